using Dashboard.Core;

namespace Dashboard.Storage.Rollups;

/// <summary>prediction_confidence points of one run, bucket and label: what the prediction summary counts of them.</summary>
public sealed class ConfidenceCell
{
    public long Count { get; set; }
    public double Sum { get; set; }
    public long[] Bands { get; } = new long[5];
    public long Low { get; set; }
    public long FirstTs { get; set; } = long.MaxValue;
    public long LastTs { get; set; } = long.MinValue;

    public void Add(long ts, double confidence)
    {
        Count++;
        Sum += confidence;
        Bands[PredictionBands.BandOf(confidence)]++;
        if (confidence < PredictionBands.LowConfidenceThreshold)
        {
            Low++;
        }
        FirstTs = Math.Min(FirstTs, ts);
        LastTs = Math.Max(LastTs, ts);
    }

    public void Merge(ConfidenceCell other)
    {
        Count += other.Count;
        Sum += other.Sum;
        for (var i = 0; i < Bands.Length; i++)
        {
            Bands[i] += other.Bands[i];
        }
        Low += other.Low;
        FirstTs = Math.Min(FirstTs, other.FirstTs);
        LastTs = Math.Max(LastTs, other.LastTs);
    }
}

/// <summary>
/// prediction_processing_time and prediction_error points of one run and bucket. The sketch is null in rows a
/// backfill could not sketch (PostgreSQL's, computed in SQL): a reader then takes percentiles from the raw points.
/// </summary>
public sealed class PredictionTimeCell
{
    public long Count { get; set; }
    public double Sum { get; set; }
    public long Slow { get; set; }
    public long Errors { get; set; }
    public QuantileSketch? Sketch { get; set; } = new();

    public void AddTime(double seconds)
    {
        Count++;
        Sum += seconds;
        if (seconds > PredictionBands.SlowProcessingSeconds)
        {
            Slow++;
        }
        Sketch?.Add(seconds);
    }

    public void Merge(PredictionTimeCell other)
    {
        Count += other.Count;
        Sum += other.Sum;
        Slow += other.Slow;
        Errors += other.Errors;
        if (Sketch is not null && other.Sketch is not null)
        {
            Sketch.Merge(other.Sketch);
        }
        else
        {
            Sketch = null;
        }
    }
}

/// <summary>pipeline_execution_time and pipeline_success points of one run, bucket and pipeline.</summary>
public sealed class PipelineCell
{
    public long TimeCount { get; set; }
    public double TimeSum { get; set; }
    public double TimeMin { get; set; } = double.PositiveInfinity;
    public double TimeMax { get; set; } = double.NegativeInfinity;
    public long SuccessCount { get; set; }
    public double SuccessSum { get; set; }

    public void AddTime(double value)
    {
        TimeCount++;
        TimeSum += value;
        TimeMin = Math.Min(TimeMin, value);
        TimeMax = Math.Max(TimeMax, value);
    }

    public void AddSuccess(double value)
    {
        SuccessCount++;
        SuccessSum += value;
    }

    public void Merge(PipelineCell other)
    {
        TimeCount += other.TimeCount;
        TimeSum += other.TimeSum;
        TimeMin = Math.Min(TimeMin, other.TimeMin);
        TimeMax = Math.Max(TimeMax, other.TimeMax);
        SuccessCount += other.SuccessCount;
        SuccessSum += other.SuccessSum;
    }

    public PipelineAggregate ToAggregate(string pipeline) => new(pipeline, TimeCount, TimeSum,
        TimeCount == 0 ? null : TimeMin, TimeCount == 0 ? null : TimeMax, SuccessCount, SuccessSum);
}

public readonly record struct SummaryKey(long RunId, long Width, long Bucket, string Name);

/// <summary>
/// One transaction's summary rollups (predictions by label, processing times and errors, pipelines by name), folded
/// in memory from the points the writer stores and written once per row at commit. Widths: 1 min and 1 h (a window's
/// start is at most one minute of raw points away from a whole minute).
/// </summary>
public sealed class SummaryRollupAccumulator
{
    public static readonly long[] Widths = [RollupLevels.Hour, RollupLevels.Minute];

    /// <summary>The label a confidence point without one is counted under (the summary's "(none)").</summary>
    public const string NoLabel = "(none)";

    private readonly Dictionary<SummaryKey, ConfidenceCell> _confidences = [];
    private readonly Dictionary<SummaryKey, PredictionTimeCell> _times = [];
    private readonly Dictionary<SummaryKey, PipelineCell> _pipelines = [];

    public IReadOnlyDictionary<SummaryKey, ConfidenceCell> Confidences => _confidences;

    /// <summary>Keyed with Name "" (one row per run and bucket).</summary>
    public IReadOnlyDictionary<SummaryKey, PredictionTimeCell> Times => _times;

    public IReadOnlyDictionary<SummaryKey, PipelineCell> Pipelines => _pipelines;

    public bool IsEmpty => _confidences.Count == 0 && _times.Count == 0 && _pipelines.Count == 0;

    /// <summary>Whether a point of this metric feeds a summary rollup (cheap: the writer asks for every point).</summary>
    public static bool Tracks(string metric) => metric.Length > 9 && (metric[1] == 'r' || metric[1] == 'i') && metric switch
    {
        MetricNames.PredictionConfidence or MetricNames.PredictionProcessingTime or MetricNames.PredictionError
            or MetricNames.PipelineExecutionTime or MetricNames.PipelineSuccess => true,
        _ => false,
    };

    public void Clear()
    {
        _confidences.Clear();
        _times.Clear();
        _pipelines.Clear();
    }

    /// <summary>Folds one stored finite point (non-finite points are not in the points table the summaries read).</summary>
    public void Add(long runId, string metric, long ts, double value, string? metadataJson)
    {
        switch (metric)
        {
            case MetricNames.PredictionConfidence:
                var label = MetadataText.Get(metadataJson, "label") ?? NoLabel;
                foreach (var width in Widths)
                {
                    Cell(_confidences, new SummaryKey(runId, width, RollupLevels.BucketOf(ts, width), label)).Add(ts, value);
                }
                break;
            case MetricNames.PredictionProcessingTime:
                foreach (var width in Widths)
                {
                    Cell(_times, new SummaryKey(runId, width, RollupLevels.BucketOf(ts, width), "")).AddTime(value);
                }
                break;
            case MetricNames.PredictionError:
                foreach (var width in Widths)
                {
                    Cell(_times, new SummaryKey(runId, width, RollupLevels.BucketOf(ts, width), "")).Errors++;
                }
                break;
            case MetricNames.PipelineExecutionTime or MetricNames.PipelineSuccess:
                if (MetadataText.Get(metadataJson, "pipeline") is not { } pipeline)
                {
                    return;
                }
                foreach (var width in Widths)
                {
                    var cell = Cell(_pipelines, new SummaryKey(runId, width, RollupLevels.BucketOf(ts, width), pipeline));
                    if (metric == MetricNames.PipelineSuccess)
                    {
                        cell.AddSuccess(value);
                    }
                    else
                    {
                        cell.AddTime(value);
                    }
                }
                break;
        }
    }

    private static T Cell<T>(Dictionary<SummaryKey, T> cells, SummaryKey key)
        where T : new()
    {
        if (!cells.TryGetValue(key, out var cell))
        {
            cells[key] = cell = new T();
        }
        return cell;
    }
}
