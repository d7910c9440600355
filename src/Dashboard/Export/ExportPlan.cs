namespace Dashboard.Export;

/// <summary>What was asked for: the run, the time range [From, To] in Unix microseconds, and optional metric names.</summary>
public sealed record ExportRequest(string Run, ExportFormat Format, long From, long To, string RangeLabel,
    IReadOnlyList<string>? Names, Parquet.ParquetCodec Codec = Parquet.ParquetCodec.Gzip)
{
    public string FileName => $"{ExportText.SafeFileName(Run)}_{RangeLabel}.{Format.Extension()}";
}

/// <summary>One metadata key as an output column. <see cref="Column"/> differs from <see cref="Key"/> only when the key
/// would clash with a fixed column (timestamp, value, model_name, metric_name): it is then metadata_&lt;key&gt;.</summary>
public sealed record ExportKey(string Key, string Column, bool IsNumeric);

/// <summary>One metric of the export with what its header needs, known before any point is streamed.</summary>
public sealed record ExportMetric(long Id, string Name, long Count, bool HasModel, IReadOnlyList<ExportKey> Keys);

/// <summary>The result of the cheap first pass: metrics in name order, per-metric and all-metric metadata keys.</summary>
public sealed record ExportPlan(ExportRequest Request, IReadOnlyList<ExportMetric> Metrics, IReadOnlyList<ExportKey> AllKeys)
{
    public bool AnyModel => Metrics.Any(m => m.HasModel);

    public long TotalPoints => Metrics.Sum(m => m.Count);

    /// <summary>
    /// Rows come in storage order (the order points were committed; deterministic for one database) rather than metric
    /// by metric in time order: chosen for the one-table formats (Parquet, long CSV) when the export covers at least a
    /// quarter of the stored points, where one table scan costs a fraction of an index scan with a lookup per row.
    /// </summary>
    public bool TableOrder { get; init; }

    /// <summary>The price table when the export carries a cost column (issue 16), else null.</summary>
    public Costs.PriceTable? Prices { get; init; }

    /// <summary>Name of the cost column (cost_&lt;currency&gt;, unique among the columns), or null when there is none.</summary>
    public string? CostColumn { get; init; }

    /// <summary>Whether a metric's rows can carry a cost: a priced token count with model names.</summary>
    public bool HasCost(ExportMetric metric) => CostColumn is not null && metric.HasModel && TokenMetrics.KindOf(metric.Name) is not null;

    /// <summary>What one stored point costs at the price valid at its time, or null where no price applies (another metric,
    /// no model, an unpriced model). A cached_token_count row carries the (negative) difference to the input price its
    /// tokens were already counted at as prompt tokens, so the column sums to the run's cost.</summary>
    public double? CostOf(ExportMetric metric, in ExportPoint point) =>
        Prices is not null && TokenMetrics.KindOf(metric.Name) is { } kind && Prices.Find(point.ModelName, point.Timestamp) is { } price
            ? price.Cost(kind, point.Value)
            : null;

    /// <summary>Adds the cost column when any exported metric can carry a cost and the price table is not empty.</summary>
    public ExportPlan WithPrices(Costs.PriceTable prices)
    {
        if (prices.Currency is not { } currency || !Metrics.Any(m => m.Count > 0 && m.HasModel && TokenMetrics.KindOf(m.Name) is not null))
        {
            return this;
        }
        var taken = new HashSet<string>(FixedColumns, StringComparer.Ordinal);
        taken.UnionWith(AllKeys.Select(k => k.Column));
        taken.UnionWith(Metrics.SelectMany(m => m.Keys).Select(k => k.Column));
        return this with { Prices = prices, CostColumn = ExportText.Unique("cost_" + currency.ToLowerInvariant(), taken) };
    }

    public static readonly IReadOnlySet<string> FixedColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        "metric_name", "timestamp", "value", "model_name",
    };

    /// <summary>Builds key columns (sorted by key) from per-key counts of numeric and non-numeric, non-null values.</summary>
    public static IReadOnlyList<ExportKey> Keys(IEnumerable<(string Key, long Numeric, long Other)> stats)
    {
        var taken = new HashSet<string>(FixedColumns, StringComparer.Ordinal);
        var keys = new List<ExportKey>();
        foreach (var g in stats.GroupBy(s => s.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var column = FixedColumns.Contains(g.Key) ? "metadata_" + g.Key : g.Key;
            column = ExportText.Unique(column, taken);
            keys.Add(new ExportKey(g.Key, column, g.Sum(s => s.Numeric) > 0 && g.Sum(s => s.Other) == 0));
        }
        return keys;
    }
}

/// <summary>
/// One stored point as read back for export. <see cref="Metadata"/> is the metadata object's UTF-8 JSON (empty when the
/// point has none); when read from SQLite it lives in a buffer reused for the next point, so copy it to keep it.
/// </summary>
public readonly record struct ExportPoint(long Timestamp, double Value, string? ModelName, ReadOnlyMemory<byte> Metadata)
{
    public ExportPoint(long timestamp, double value, string? modelName, string? metadataJson)
        : this(timestamp, value, modelName, metadataJson is null ? ReadOnlyMemory<byte>.Empty : System.Text.Encoding.UTF8.GetBytes(metadataJson))
    {
    }
}
