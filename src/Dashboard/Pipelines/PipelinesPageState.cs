using System.Text.Json;
using Dashboard.Storage;

namespace Dashboard.Pipelines;

/// <summary>
/// What the pipelines page shows, kept incrementally: per pipeline its sums (health, executions, failures, mean, max),
/// its last status, the latest failures and the executions per time bucket. The first view and a range change fill it
/// from storage; afterwards each committed pipeline_execution is folded in (<see cref="AddEvent"/>), so a live update
/// costs work in proportion to the new executions. Two things cannot be folded exactly and are re-read by the page
/// instead: p95 over each pipeline's latest executions (a sliding sample whose values the page does not hold), and,
/// for a window ending now, executions leaving the window (no commit says a point got old).
/// </summary>
public sealed class PipelinesPageState
{
    private readonly Dictionary<string, PipelineAggregate> _aggregates;
    private readonly List<PipelineFailure> _failures;
    private readonly int _failureLimit;

    public PipelinesPageState(long windowStartMicros, long fromMicros, long stepMicros, IEnumerable<PipelineAggregate> aggregates, IEnumerable<PipelineLatest> latest,
        IEnumerable<PipelineFailure> failures, int failureLimit, IEnumerable<ExecutionBucket> buckets)
    {
        WindowStart = windowStartMicros;
        From = fromMicros;
        Step = stepMicros;
        _aggregates = aggregates.ToDictionary(a => a.Pipeline, StringComparer.Ordinal);
        Latest = latest.ToDictionary(l => l.Pipeline, StringComparer.Ordinal);
        _failures = [.. failures.OrderByDescending(f => f.Ts).Take(failureLimit)];
        _failureLimit = failureLimit;
        Buckets = buckets.ToDictionary(b => (b.T - From) / Step);
    }

    /// <summary>Start of the window (Unix µs, long.MinValue for all); executions before it are not counted.</summary>
    public long WindowStart { get; }

    /// <summary>Start of the timeline's first bucket (Unix µs).</summary>
    public long From { get; }

    /// <summary>Width of a timeline bucket (µs).</summary>
    public long Step { get; }

    /// <summary>Newest execution folded in (µs), so a window ending now can widen its axis to it.</summary>
    public long LastTs { get; private set; } = long.MinValue;

    public Dictionary<string, PipelineLatest> Latest { get; }

    /// <summary>Succeeded/failed executions per bucket index ((ts - From) / Step).</summary>
    public Dictionary<long, ExecutionBucket> Buckets { get; }

    public IReadOnlyList<PipelineFailure> Failures => _failures;

    /// <summary>The health report over the sums held, as <see cref="PipelineHealthCalculator"/> computes it from storage.</summary>
    public PipelinesHealth Health(int top = PipelineHealthCalculator.DefaultTop) => PipelineHealthCalculator.Compute(_aggregates.Values, top);

    /// <summary>A re-read of each pipeline's p95 (the one figure not folded): a newer last status already folded is kept.</summary>
    public void SetP95(IEnumerable<PipelineLatest> latest)
    {
        foreach (var read in latest)
        {
            Latest[read.Pipeline] = Latest.TryGetValue(read.Pipeline, out var mine) && mine.LastTs > read.LastTs
                ? mine with { P95Seconds = read.P95Seconds, Sampled = read.Sampled }
                : read;
        }
    }

    /// <summary>
    /// Folds one committed event of <paramref name="run"/>: a pipeline_execution carries a pipeline_execution_time and a
    /// pipeline_success point tagged with its pipeline; other events are ignored. Returns whether anything changed.
    /// </summary>
    public bool AddEvent(string run, ExpandedEvent e)
    {
        MetricPoint? time = null, success = null;
        foreach (var p in e.Points)
        {
            if (p.Name == MetricNames.PipelineExecutionTime)
            {
                time = p;
            }
            else if (p.Name == MetricNames.PipelineSuccess)
            {
                success = p;
            }
        }
        var tagged = success ?? time;
        if (tagged is null || tagged.Timestamp < WindowStart || PipelineOf(tagged.MetadataJson) is not { } pipeline)
        {
            return false;
        }
        var ts = tagged.Timestamp;
        var a = _aggregates.GetValueOrDefault(pipeline) ?? new PipelineAggregate(pipeline, 0, 0, null, null, 0, 0);
        if (time is not null)
        {
            a = a with
            {
                TimeCount = a.TimeCount + 1, TimeSum = a.TimeSum + time.Value,
                TimeMin = Math.Min(a.TimeMin ?? double.MaxValue, time.Value), TimeMax = Math.Max(a.TimeMax ?? double.MinValue, time.Value),
            };
        }
        if (success is not null)
        {
            a = a with { SuccessCount = a.SuccessCount + 1, SuccessSum = a.SuccessSum + success.Value };
            var ok = success.Value >= 0.5;
            if (!Latest.TryGetValue(pipeline, out var last) || ts >= last.LastTs)
            {
                Latest[pipeline] = new PipelineLatest(pipeline, ok, ts, run, last?.P95Seconds, last?.Sampled ?? 0);
            }
            if (ts >= From)
            {
                var i = (ts - From) / Step;
                var b = Buckets.GetValueOrDefault(i) ?? new ExecutionBucket(From + i * Step, 0, 0);
                Buckets[i] = ok ? b with { Succeeded = b.Succeeded + 1 } : b with { Failed = b.Failed + 1 };
            }
            if (!ok)
            {
                AddFailure(new PipelineFailure(ts, run, pipeline, time?.Value, success.MetadataJson));
            }
        }
        _aggregates[pipeline] = a;
        LastTs = Math.Max(LastTs, ts);
        return true;
    }

    /// <summary>Newest first, at most the limit: an insert lands after the failures of the same or a later time.</summary>
    private void AddFailure(PipelineFailure failure)
    {
        var at = _failures.FindIndex(f => f.Ts < failure.Ts);
        _failures.Insert(at < 0 ? _failures.Count : at, failure);
        if (_failures.Count > _failureLimit)
        {
            _failures.RemoveAt(_failures.Count - 1);
        }
    }

    private static string? PipelineOf(string? metadata)
    {
        if (string.IsNullOrEmpty(metadata))
        {
            return null;
        }
        try
        {
            using var doc = JsonDocument.Parse(metadata);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("pipeline", out var p)
                && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
