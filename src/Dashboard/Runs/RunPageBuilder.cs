using System.Text.Json;
using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>Builds <see cref="RunPageData"/> from one read session: index range scans per metric.</summary>
public sealed class RunPageBuilder(IRunPointReader reader, IMetricReader points)
{
    public const int SuccessRolling = 10;
    public const int TokenRolling = 10;
    public const int EvaluationRolling = 5;
    public const int FeedbackCount = 10;
    private const string ScorePrefix = "evaluation_score_";

    public RunPageData? Build(string run, RunRange range)
    {
        using var c = reader.Open(run);
        if (c is null)
        {
            return null;
        }
        var (runId, project, lastTs) = (c.RunId, c.Project, c.LastTs);
        var metrics = points.GetMetrics(runId).Select(m => m.Name).ToList();
        long from = range.FromMicros, to = range.ToMicros;

        var success = Read(c, MetricNames.SuccessRate, from, to);
        var rollingSuccess = SeriesMath.RollingMean(success.Values, SuccessRolling);
        var successSum = success.Values.Sum();
        var generations = new GenerationSummary(success.Count, (long)Math.Round(success.Count - successSum),
            success.Count > 0 ? successSum / success.Count : null,
            success.Count > 0 ? 1 - successSum / success.Count : null);
        IReadOnlyList<LineSeries> successSeries = success.Count == 0 ? [] :
        [
            new(MetricNames.SuccessRate, $"Success rate (rolling mean of {SuccessRolling})", SeriesMath.Decimate(success.Times, rollingSuccess), success.Count),
            new("failure_share", $"Failure share (failed / generations, rolling {SuccessRolling})",
                SeriesMath.Decimate(success.Times, rollingSuccess.Select(v => 1 - v).ToArray()), success.Count),
        ];

        var tokenSeries = new List<LineSeries>();
        var tokenSums = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        var slot = 0;
        foreach (var (name, label) in new[] { (MetricNames.PromptTokens, "Prompt"), (MetricNames.CompletionTokens, "Completion"), (MetricNames.TotalTokens, "Total") })
        {
            var t = Read(c, name, from, to, tokenSums, slot++);
            if (t.Count > 0)
            {
                tokenSeries.Add(new LineSeries(name, $"{label} tokens (rolling {TokenRolling})",
                    SeriesMath.Decimate(t.Times, SeriesMath.RollingMean(t.Values, TokenRolling)), t.Count));
            }
        }

        var evaluationSeries = new List<LineSeries>();
        foreach (var name in metrics.Where(m => m.StartsWith(ScorePrefix, StringComparison.Ordinal)))
        {
            var s = Read(c, name, from, to);
            if (s.Count > 0)
            {
                evaluationSeries.Add(new LineSeries(name, name[ScorePrefix.Length..] + $" (rolling {EvaluationRolling})",
                    SeriesMath.Decimate(s.Times, SeriesMath.RollingMean(s.Values, EvaluationRolling)), s.Count));
            }
        }

        return new RunPageData(run, project, range.Text, range.From, range.To,
            lastTs is { } l ? Timestamps.FromMicros(l) : null,
            generations, successSeries,
            Distribution(c, MetricNames.GenerationTime, from, to),
            tokenSeries,
            TokenUsage(tokenSums),
            Counts(c, metrics, "model_usage:", from, to),
            Counts(c, metrics, "finish_reason:", from, to),
            evaluationSeries,
            Distribution(c, MetricNames.EvaluationTime, from, to),
            GetFeedback(c, metrics, from, to),
            Distribution(c, "conversation_length", from, to),
            metrics);
    }

    public long? GetRunId(string run) => points.GetRunId(run);

    /// <summary>Any metric as a rolling-mean line over its raw points, exactly as recorded.</summary>
    public RollingSeriesResponse? GetRolling(string run, string name, RunRange range, int rolling)
    {
        using var c = reader.Open(run);
        if (c is null)
        {
            return null;
        }
        var s = Read(c, name, range.FromMicros, range.ToMicros);
        return new RollingSeriesResponse(name, range.Text, rolling, s.Count,
            SeriesMath.Decimate(s.Times, SeriesMath.RollingMean(s.Values, rolling)));
    }

    private static DistributionData Distribution(IRunPointSession c, string name, long from, long to)
    {
        var s = Read(c, name, from, to);
        return new DistributionData(name, MetricStats.From(s.Values), SeriesMath.Histogram(s.Values));
    }

    private static RawPoints Read(IRunPointSession c, string name, long from, long to,
        SortedDictionary<string, long[]>? tokenSums = null, int slot = 0)
    {
        var raw = new RawPoints([], []);
        Action<string?, double>? perModel = tokenSums is null ? null : (model, value) =>
        {
            // IMetricReader.GetTokenUsage's arithmetic: int() of each value, summed per model ("unknown" when none).
            model = string.IsNullOrEmpty(model) ? "unknown" : model;
            var sums = tokenSums.TryGetValue(model, out var s) ? s : tokenSums[model] = new long[3];
            sums[slot] += (long)value;
        };
        c.ReadPoints(name, from, to, raw.Times, raw.Values, perModel);
        return raw;
    }

    private static List<NamedCount> Counts(IRunPointSession c, IReadOnlyList<string> metrics, string prefix, long from, long to)
    {
        var counts = new List<(string Name, long Count)>();
        foreach (var name in metrics.Where(m => m.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var n = c.CountPoints(name, from, to);
            if (n > 0)
            {
                counts.Add((name[prefix.Length..], n));
            }
        }
        var total = counts.Sum(x => x.Count);
        return counts.OrderByDescending(x => x.Count).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => new NamedCount(x.Name, x.Count, (double)x.Count / total)).ToList();
    }

    private static TokenUsageReport TokenUsage(SortedDictionary<string, long[]> byModel)
    {
        var models = byModel.Select(m => new ModelTokenUsage(m.Key, m.Value[0], m.Value[1], m.Value[2])).ToList();
        return new TokenUsageReport(models, models.Sum(m => m.PromptTokens), models.Sum(m => m.CompletionTokens), models.Sum(m => m.TotalTokens));
    }

    private static List<JudgeFeedback> GetFeedback(IRunPointSession c, IReadOnlyList<string> metrics, long from, long to)
    {
        var list = new List<JudgeFeedback>();
        foreach (var name in metrics.Where(m => m.StartsWith(ScorePrefix, StringComparison.Ordinal)))
        {
            foreach (var p in c.GetLatestWithMetadataKey(name, "feedback", from, to, FeedbackCount))
            {
                var (evaluator, text) = ReadFeedback(p.Metadata);
                if (!string.IsNullOrWhiteSpace(text))
                {
                    list.Add(new JudgeFeedback(Timestamps.FromMicros(p.Timestamp), name[ScorePrefix.Length..], p.Value, evaluator, text));
                }
            }
        }
        return list.OrderByDescending(f => f.Timestamp).Take(FeedbackCount).ToList();
    }

    private static (string? Evaluator, string? Text) ReadFeedback(string metadata)
    {
        try
        {
            using var doc = JsonDocument.Parse(metadata);
            var root = doc.RootElement;
            string? Get(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (Get("evaluator_type"), Get("feedback"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private sealed record RawPoints(List<long> Times, List<double> Values)
    {
        public int Count => Values.Count;
    }
}
