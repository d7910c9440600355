using Dashboard.Core;

namespace Dashboard.Storage.Rollups;

/// <summary>
/// One rollup row: the finite points of one run, metric and model name in one time bucket, as count, sum, min, max,
/// the sum of their values truncated to integers (afterimage's int() of token counts) and a quantile sketch.
/// </summary>
public sealed class RollupCell
{
    public long Count { get; private set; }
    public double Sum { get; private set; }
    public double Min { get; private set; } = double.PositiveInfinity;
    public double Max { get; private set; } = double.NegativeInfinity;
    public long IntSum { get; private set; }
    public QuantileSketch Sketch { get; }

    public RollupCell() => Sketch = new QuantileSketch();

    public RollupCell(long count, double sum, double min, double max, long intSum, QuantileSketch sketch)
    {
        (Count, Sum, Min, Max, IntSum, Sketch) = (count, sum, min, max, intSum, sketch);
    }

    /// <summary>Adds one finite value whose sketch bin the caller computed once for every level.</summary>
    public void Add(double value, int sketchIndex)
    {
        Count++;
        Sum += value;
        Min = Math.Min(Min, value);
        Max = Math.Max(Max, value);
        // (long) saturates like SQLite's CAST(value AS INTEGER): both truncate toward zero.
        IntSum += (long)value;
        Sketch.Add(value, sketchIndex);
    }

    /// <summary>Merges one stored row, its sketch straight from the column's bytes (<see cref="QuantileSketch.MergeBytes"/>).</summary>
    public void Merge(long count, double sum, double min, double max, long intSum, ReadOnlySpan<byte> sketch)
    {
        // The sketch first: a damaged blob throws before the totals change.
        Sketch.MergeBytes(sketch);
        Count += count;
        Sum += sum;
        Min = Math.Min(Min, min);
        Max = Math.Max(Max, max);
        IntSum += intSum;
    }

    public void Merge(RollupCell other)
    {
        Count += other.Count;
        Sum += other.Sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        IntSum += other.IntSum;
        Sketch.Merge(other.Sketch);
    }
}

/// <summary>Where a rollup row belongs: model is "" for points without a model name.</summary>
public readonly record struct RollupKey(long RunId, long MetricId, long Width, long Bucket, string Model);

/// <summary>The bucket widths rollups are kept at, and the bucket arithmetic every provider shares.</summary>
public static class RollupLevels
{
    public const long Second = 1_000_000;
    public const long Minute = 60 * Second;
    public const long Hour = 60 * Minute;

    /// <summary>Coarsest first: a range is answered by hours in its middle, minutes and seconds towards its edges, raw points at the very edges.</summary>
    public static readonly long[] Widths = [Hour, Minute, Second];

    /// <summary>Start of the bucket holding ts (floor, also for negative times).</summary>
    public static long BucketOf(long ts, long width)
    {
        var r = ts % width;
        return r < 0 ? ts - r - width : ts - r;
    }
}

/// <summary>One transaction's rollup changes, folded in memory and written once per row at commit.</summary>
public sealed class RollupAccumulator
{
    private readonly Dictionary<RollupKey, RollupCell> _cells = [];
    private readonly Dictionary<(long RunId, long Second), long> _events = [];
    private readonly Dictionary<TokenKey, TokenCell> _tokens = [];

    public IReadOnlyDictionary<RollupKey, RollupCell> Cells => _cells;

    /// <summary>Stored events per run and second of their timestamp (the overview's events/min).</summary>
    public IReadOnlyDictionary<(long RunId, long Second), long> Events => _events;

    /// <summary>Token counts per event folded per run, bucket, model and generation/judge (the run page's token charts).</summary>
    public IReadOnlyDictionary<TokenKey, TokenCell> Tokens => _tokens;

    public void Clear()
    {
        _cells.Clear();
        _events.Clear();
        _tokens.Clear();
    }

    /// <summary>One event's token counts for one model (see <see cref="TokenCell.AddEvent"/>; sign -1 takes one back), at every width.</summary>
    public void AddTokens(long runId, long ts, string model, bool judge, double? prompt, double? completion, double? total, int sign = 1)
    {
        if (prompt is null && completion is null && total is null)
        {
            return;
        }
        foreach (var width in RollupLevels.Widths)
        {
            var key = new TokenKey(runId, width, RollupLevels.BucketOf(ts, width), model, judge);
            if (!_tokens.TryGetValue(key, out var cell))
            {
                _tokens[key] = cell = new TokenCell();
            }
            cell.AddEvent(prompt, completion, total, sign);
        }
    }

    public void AddEvent(long runId, long ts)
    {
        var key = (runId, RollupLevels.BucketOf(ts, RollupLevels.Second));
        _events[key] = _events.GetValueOrDefault(key) + 1;
    }

    public void Add(long runId, long metricId, long ts, string? model, double value)
    {
        var magnitude = Math.Abs(value);
        var index = magnitude >= QuantileSketch.MinIndexable ? QuantileSketch.IndexOf(magnitude) : 0;
        model ??= "";
        foreach (var width in RollupLevels.Widths)
        {
            var key = new RollupKey(runId, metricId, width, RollupLevels.BucketOf(ts, width), model);
            if (!_cells.TryGetValue(key, out var cell))
            {
                _cells[key] = cell = new RollupCell();
            }
            cell.Add(value, index);
        }
    }
}
