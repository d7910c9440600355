namespace Dashboard.Storage.Rollups;

/// <summary>
/// One provider's reads of rollup rows and raw points, all from one read snapshot (one connection, one read
/// transaction), so rollup pieces and raw edges agree. Only SQL lives behind it: the planning and the merging that turn
/// these rows into stats, series, token usage and run page buckets are shared (<see cref="RollupReading"/>,
/// <see cref="RollupSeriesReading"/>, <see cref="RunBucketReading"/>), so both providers answer alike.
/// </summary>
public interface IRollupSnapshot : IDisposable
{
    /// <summary>The metric name's id, or null when no point ever had that name.</summary>
    long? MetricId(string name);

    /// <summary>First and last point time of one metric in [from, to], or null when it has none there.</summary>
    (long First, long Last)? Extent(long runId, long metricId, long from, long to);

    /// <summary>
    /// Rollup rows of one width with bucket in [piece.From, piece.To), every model, each merged into the cell <paramref name="cellOf"/> returns for its bucket,
    /// its sketch straight from the column's bytes: no object per row (a page's first view merges tens of thousands).
    /// </summary>
    void MergeCells(long runId, long metricId, RollupPiece piece, Func<long, RollupCell> cellOf);

    /// <summary>The same rows as <see cref="MergeCells"/> without their sketches: (bucket, count, sum, min, max).</summary>
    void ReadTotals(long runId, long metricId, RollupPiece piece, RollupTotals row);

    /// <summary>Finite points with ts in [from, to] in time order, equal times in arrival order.</summary>
    void ReadPoints(long runId, long metricId, long from, long to, List<long> times, List<double> values);

    /// <summary>Per model ("" for none): the sum of int() of the values, from rollup rows of one piece.</summary>
    void ReadIntSums(long runId, long metricId, RollupPiece piece, Action<string, long> sum);

    /// <summary>Per model ("" for none): the sum of int() of the raw values with ts in [piece.From, piece.To].</summary>
    void ReadRawIntSums(long runId, long metricId, RawPiece piece, Action<string, long> sum);

    /// <summary>Token rollup rows of one width with bucket in [piece.From, piece.To): (bucket, model, judge, cell).</summary>
    void ReadTokenCells(long runId, RollupPiece piece, Action<long, string, bool, TokenCell> row);

    /// <summary>Finite points of one metric in [from, to] below <paramref name="threshold"/>.</summary>
    long CountBelow(long runId, long metricId, long from, long to, double threshold);

    /// <summary>Raw points of the token-tracked metrics (<see cref="TokenEventTracker.Tracks"/>) in [piece.From, piece.To]: (ts, model or "", name, value).</summary>
    void ReadTokenPoints(long runId, RawPiece piece, Action<long, string, string, double> point);
}

/// <summary>One rollup row's totals: bucket, count, sum, min, max.</summary>
public delegate void RollupTotals(long bucket, long count, double sum, double min, double max);
