using Dashboard.Core;

namespace Dashboard.Storage.Rollups;

/// <summary>What a provider reads for the summaries, inside one snapshot: rollup rows of one piece, or raw points.</summary>
public interface ISummarySource
{
    long? MetricId(string name);

    /// <summary>The run's stored event count in this snapshot (runs.event_count; 0 when the run is gone).</summary>
    long RunEvents(long runId);

    /// <summary>Confidence rollup rows of the run in the piece: bucket, label, cell.</summary>
    void ReadConfidenceRollups(long runId, RollupPiece piece, Action<long, string, ConfidenceCell> add);

    /// <summary>Processing-time and error rollup rows of the run in the piece.</summary>
    void ReadTimeRollups(long runId, RollupPiece piece, Action<PredictionTimeCell> add);

    /// <summary>Pipeline rollup rows of the piece summed per pipeline, over one run and/or one project when given.</summary>
    void ReadPipelineRollups(long? runId, string? project, RollupPiece piece, Action<string, PipelineCell> add);

    /// <summary>Raw points of one metric with ts in [from, to], in (ts, arrival) order: ts, value, metadata.</summary>
    void ReadPoints(long runId, long metricId, long from, long to, bool withMetadata, Action<long, double, string?> add);

    /// <summary>Raw points of one metric with ts in [from, to] over one run and/or one project: value, metadata.</summary>
    void ReadPipelinePoints(long? runId, string? project, long metricId, long from, long to, Action<double, string?> add);
}

/// <summary>
/// The prediction and pipeline summaries over [from, now]: whole minute and hour buckets from rollups, raw points
/// only at the window's start (<see cref="RangePlan"/>); every provider shares this, only the SQL differs.
/// </summary>
public static class SummaryReading
{
    /// <summary>Up to this many points in a window, the summary is computed from raw points exactly as it always was.</summary>
    public const int ExactLimit = 50_000;

    private static RangePlan Plan(long from) => RangePlan.For(from, long.MaxValue, SummaryRollupAccumulator.Widths);

    /// <summary>
    /// Counts, bands, labels and hours are exact; the mean confidence and processing time are sums per bucket (equal to
    /// the point-by-point sum up to floating-point rounding); processing-time percentiles are exact up to
    /// <paramref name="exactLimit"/> points in the window, beyond that within 1% (<see cref="QuantileSketch"/>).
    /// </summary>
    public static PredictionTotals GetTotals(ISummarySource source, long runId, long from, int exactLimit)
    {
        var conf = source.MetricId(MetricNames.PredictionConfidence);
        var time = source.MetricId(MetricNames.PredictionProcessingTime);
        var error = source.MetricId(MetricNames.PredictionError);
        var plan = Plan(from);
        var runEvents = source.RunEvents(runId);
        var totals = new PredictionTotals { RunEvents = runEvents };
        var times = new PredictionTimeCell();
        foreach (var piece in plan.Rollups)
        {
            source.ReadConfidenceRollups(runId, piece, totals.AddConfidences);
            source.ReadTimeRollups(runId, piece, times.Merge);
        }
        var edgeTimes = new List<double>();
        foreach (var piece in plan.Raw)
        {
            if (conf is { } c)
            {
                source.ReadPoints(runId, c, piece.From, piece.To, true, (ts, v, m) => totals.AddConfidence(ts, v, MetadataText.Get(m, "label")));
            }
            if (time is { } t)
            {
                source.ReadPoints(runId, t, piece.From, piece.To, false, (_, v, _) => edgeTimes.Add(v));
            }
            if (error is { } e)
            {
                source.ReadPoints(runId, e, piece.From, piece.To, false, (_, _, _) => times.Errors++);
            }
        }
        if (totals.Confidence.Count + times.Count + edgeTimes.Count + times.Errors <= exactLimit)
        {
            var raw = FromRaw(source, runId, from, conf, time, error);
            raw.RunEvents = runEvents;
            return raw;
        }
        foreach (var v in edgeTimes)
        {
            times.AddTime(v);
        }
        totals.Errors = times.Errors;
        totals.Slow = times.Slow;
        totals.ProcessingTime = TimeStats(source, runId, from, time, times);
        return totals;
    }

    /// <summary>Exactly the raw computation: every point of the window, labels read in C# as the writer reads them.</summary>
    public static PredictionTotals GetRawTotals(ISummarySource source, long runId, long from)
    {
        var totals = FromRaw(source, runId, from, source.MetricId(MetricNames.PredictionConfidence),
            source.MetricId(MetricNames.PredictionProcessingTime), source.MetricId(MetricNames.PredictionError));
        totals.RunEvents = source.RunEvents(runId);
        return totals;
    }

    public static IReadOnlyList<PipelineAggregate> GetPipelines(ISummarySource source, long from, long? runId, string? project, int exactLimit)
    {
        var cells = new Dictionary<string, PipelineCell>(StringComparer.Ordinal);
        var plan = Plan(from);
        foreach (var piece in plan.Rollups)
        {
            source.ReadPipelineRollups(runId, project, piece, (name, cell) => Cell(cells, name).Merge(cell));
        }
        foreach (var piece in plan.Raw)
        {
            AddPipelinePoints(source, runId, project, piece.From, piece.To, cells);
        }
        if (cells.Values.Sum(c => c.TimeCount + c.SuccessCount) <= exactLimit)
        {
            return GetRawPipelines(source, from, runId, project);
        }
        return Sorted(cells);
    }

    /// <summary>Every pipeline point of the window summed in arrival order per run.</summary>
    public static IReadOnlyList<PipelineAggregate> GetRawPipelines(ISummarySource source, long from, long? runId, string? project)
    {
        var cells = new Dictionary<string, PipelineCell>(StringComparer.Ordinal);
        AddPipelinePoints(source, runId, project, from, long.MaxValue, cells);
        return Sorted(cells);
    }

    private static void AddPipelinePoints(ISummarySource source, long? runId, string? project, long from, long to, Dictionary<string, PipelineCell> cells)
    {
        if (source.MetricId(MetricNames.PipelineExecutionTime) is { } time)
        {
            source.ReadPipelinePoints(runId, project, time, from, to, (v, m) =>
            {
                if (MetadataText.Get(m, "pipeline") is { } name)
                {
                    Cell(cells, name).AddTime(v);
                }
            });
        }
        if (source.MetricId(MetricNames.PipelineSuccess) is { } success)
        {
            source.ReadPipelinePoints(runId, project, success, from, to, (v, m) =>
            {
                if (MetadataText.Get(m, "pipeline") is { } name)
                {
                    Cell(cells, name).AddSuccess(v);
                }
            });
        }
    }

    private static List<PipelineAggregate> Sorted(Dictionary<string, PipelineCell> cells) =>
        [.. cells.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value.ToAggregate(c.Key))];

    private static PipelineCell Cell(Dictionary<string, PipelineCell> cells, string name)
    {
        if (!cells.TryGetValue(name, out var cell))
        {
            cells[name] = cell = new PipelineCell();
        }
        return cell;
    }

    private static PredictionTotals FromRaw(ISummarySource source, long runId, long from, long? conf, long? time, long? error)
    {
        var confidences = new List<ConfidencePoint>();
        var times = new List<double>();
        long errors = 0;
        if (conf is { } c)
        {
            source.ReadPoints(runId, c, from, long.MaxValue, true, (ts, v, m) => confidences.Add(new ConfidencePoint(ts, v, MetadataText.Get(m, "label"))));
        }
        if (time is { } t)
        {
            source.ReadPoints(runId, t, from, long.MaxValue, false, (_, v, _) => times.Add(v));
        }
        if (error is { } e)
        {
            source.ReadPoints(runId, e, from, long.MaxValue, false, (_, _, _) => errors++);
        }
        return PredictionTotals.FromRaw(new PredictionData(confidences, times, errors));
    }

    /// <summary>Mean from the sums; percentiles from the merged sketches, or from the raw values where a row has none.</summary>
    private static MetricStats TimeStats(ISummarySource source, long runId, long from, long? time, PredictionTimeCell times)
    {
        if (times.Count == 0 || time is not { } metricId)
        {
            return MetricStats.Empty;
        }
        if (times.Sketch is not { } sketch)
        {
            var values = new List<double>();
            source.ReadPoints(runId, metricId, from, long.MaxValue, false, (_, v, _) => values.Add(v));
            var exact = MetricStats.From(values);
            return exact with { Mean = times.Sum / times.Count };
        }
        return new MetricStats(times.Count, times.Sum / times.Count, sketch.Min, sketch.Max,
            sketch.Quantile(0.50), sketch.Quantile(0.90), sketch.Quantile(0.95), sketch.Quantile(0.99));
    }
}
