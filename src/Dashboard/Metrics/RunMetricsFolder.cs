using Microsoft.Extensions.Options;

namespace Dashboard.Metrics;

/// <summary>
/// Keeps the per-run series /metrics exports in memory, folded from each committed batch (called by the
/// writer after commit), so a scrape costs work in proportion to the series, never a read of the points.
/// Counters start at zero with the process, as any exporter's do: Prometheus' rate() and increase()
/// handle the reset, and rebuilding histograms from storage would mean reading every point at start.
/// </summary>
public sealed class RunMetricsFolder(IOptions<MetricsOptions> options)
{
    /// <summary>The label value that runs, models and score names beyond the caps are folded into; no run name can take it.</summary>
    public const string Other = "(other)";

    /// <summary>The label value for generations and tokens that carry no model name (as the token report's "unknown").</summary>
    public const string UnknownModel = "unknown";

    /// <summary>Upper bounds (seconds) of the generation-time histogram; +Inf is implied.</summary>
    public static readonly double[] GenerationBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private const string ModelUsagePrefix = "model_usage:";
    private const string ScorePrefix = "evaluation_score_";
    private const string TokenSuffix = "_token_count";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RunSeries> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _folded = new(StringComparer.Ordinal) { ["run"] = 0, ["model"] = 0, ["score"] = 0 };

    public void Fold(CommittedBatch batch)
    {
        var o = options.Value;
        lock (_gate)
        {
            foreach (var run in batch.Runs)
            {
                if (run.AcceptedEvents.Count == 0)
                {
                    continue;
                }
                var series = RunFor(run.Run, o.MaxRuns, run.AcceptedEvents.Count);
                foreach (var e in run.AcceptedEvents)
                {
                    FoldEvent(series, e, o.MaxModelsPerRun);
                }
            }
        }
    }

    /// <summary>Drops a deleted run's series, so a scrape no longer shows what the store no longer has.</summary>
    public void Forget(string run)
    {
        lock (_gate)
        {
            _runs.Remove(run);
        }
    }

    public void WriteTo(PrometheusTextWriter w)
    {
        lock (_gate)
        {
            RunMetricsFamilies.Write(w, _runs.Values, _folded);
        }
    }

    private RunSeries RunFor(string run, int maxRuns, int events)
    {
        if (_runs.TryGetValue(run, out var series))
        {
            return series;
        }
        if (_runs.Count - (_runs.ContainsKey(Other) ? 1 : 0) >= maxRuns)
        {
            _folded["run"] += events;
            run = Other;
            if (_runs.TryGetValue(run, out series))
            {
                return series;
            }
        }
        _runs[run] = series = new RunSeries(run);
        return series;
    }

    private void FoldEvent(RunSeries run, ExpandedEvent e, int maxModels)
    {
        string? eventModel = null;
        foreach (var p in e.Points)
        {
            if (p.Name.StartsWith(ModelUsagePrefix, StringComparison.Ordinal))
            {
                eventModel = p.Name[ModelUsagePrefix.Length..];
                break;
            }
        }
        foreach (var p in e.Points)
        {
            switch (p.Name)
            {
                case "generation_time":
                    ModelFor(run, eventModel ?? p.ModelName, maxModels).Observe(p.Value);
                    break;
                case "success_rate":
                    var m = ModelFor(run, eventModel ?? p.ModelName, maxModels);
                    m.Generations++;
                    if (p.Value == 0)
                    {
                        m.Failures++;
                    }
                    break;
                case "evaluation_time":
                    run.Evaluations++;
                    break;
                default:
                    if (p.Name.EndsWith(TokenSuffix, StringComparison.Ordinal) && p.Name.Length > TokenSuffix.Length)
                    {
                        var model = ModelFor(run, p.ModelName ?? eventModel, maxModels);
                        model.AddTokens(run.Run, model.Model, p.Name[..^TokenSuffix.Length], p.Value);
                    }
                    else if (p.Name.StartsWith(ScorePrefix, StringComparison.Ordinal))
                    {
                        var score = ScoreFor(run, p.Name[ScorePrefix.Length..], maxModels);
                        score.Sum += p.Value;
                        score.Count++;
                    }
                    break;
            }
        }
    }

    // Static factories given the run's name: a lambda capturing the run allocated a closure per point.
    private ModelSeries ModelFor(RunSeries run, string? model, int maxModels) =>
        Bounded(run.Models, model ?? UnknownModel, maxModels, "model", run.Run, static (r, m) => new ModelSeries(r, m));

    private ScoreSeries ScoreFor(RunSeries run, string name, int maxScores) =>
        Bounded(run.Scores, name, maxScores, "score", run.Run, static (r, n) => new ScoreSeries(r, n));

    private T Bounded<T>(Dictionary<string, T> map, string key, int max, string label, string run, Func<string, string, T> create)
    {
        if (map.TryGetValue(key, out var value))
        {
            return value;
        }
        if (map.Count - (map.ContainsKey(Other) ? 1 : 0) >= max)
        {
            _folded[label]++;
            key = Other;
            if (map.TryGetValue(key, out value))
            {
                return value;
            }
        }
        map[key] = value = create(run, key);
        return value;
    }
}
