namespace Dashboard.Storage;

/// <summary>
/// The explorer's SQL, written once for both providers: they differ only in parameter spelling and in how one
/// metadata key is read. Group values are compared as text, so a key holding 1 and "1" is one group.
/// </summary>
public static class ExplorerSql
{
    /// <param name="Parameter">Parameter i (0-based) as the provider writes it.</param>
    /// <param name="MetadataKey">SQL for the text value of the metadata key held in the given parameter, or NULL.</param>
    public sealed record Dialect(Func<int, string> Parameter, Func<string, string> MetadataKey);

    /// <summary>Parameters: 0 metric name, 1 from, 2 to, 3 bucket width, 4 group key (unused without grouping), 5.. run ids.</summary>
    public static object?[] Parameters(ExplorerQuery q) =>
        [q.Metric, q.From, q.To, q.BucketMicros, q.GroupBy ?? "", .. q.RunIds.Cast<object?>()];

    /// <summary>The selected points with their group and bucket number (columns grp, b, value).</summary>
    private static string Selected(ExplorerQuery q, Dialect d)
    {
        var runs = string.Join(", ", q.RunIds.Select((_, i) => d.Parameter(5 + i)));
        var group = q.GroupBy switch
        {
            null => "NULL",
            ExplorerGroups.Run => "CAST(p.run_id AS TEXT)",
            // Token counts carry the model in their own column; other points (generation_time) in their metadata.
            ExplorerGroups.Model => $"COALESCE(NULLIF(p.model_name, ''), {d.MetadataKey(d.Parameter(4))})",
            _ => d.MetadataKey(d.Parameter(4)),
        };
        return $"""
            SELECT {group} AS grp, (p.ts - {d.Parameter(1)}) / {d.Parameter(3)} AS b, p.value AS value
            FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE n.name = {d.Parameter(0)} AND p.run_id IN ({runs}) AND p.ts >= {d.Parameter(1)} AND p.ts <= {d.Parameter(2)}
            """;
    }

    /// <summary>Groups with their point counts, most points first: the first MaxGroups are drawn. Columns grp, n.</summary>
    public static string Groups(ExplorerQuery q, Dialect d) =>
        $"SELECT grp, COUNT(*) AS n FROM ({Selected(q, d)}) s GROUP BY grp ORDER BY n DESC, grp IS NULL, grp";

    /// <summary>
    /// Per kept group and bucket: the aggregate and the count. Columns grp, b, value, n. The kept non-null group
    /// values follow the run ids as parameters; <paramref name="keepNull"/> keeps the points without the key.
    /// </summary>
    public static string Buckets(ExplorerQuery q, Dialect d, int keptValues, bool keepNull)
    {
        var kept = string.Join(", ", Enumerable.Range(0, keptValues).Select(i => d.Parameter(5 + q.RunIds.Count + i)));
        var tests = new List<string>();
        if (keptValues > 0)
        {
            tests.Add($"grp IN ({kept})");
        }
        if (keepNull)
        {
            tests.Add("grp IS NULL");
        }
        var where = q.GroupBy is null ? "" : $"WHERE {(tests.Count == 0 ? "1 = 0" : string.Join(" OR ", tests))}";
        return q.Aggregation switch
        {
            // Nearest rank: the ceil(0.95 n)-th smallest value of the bucket, computed in SQL by a window.
            ExplorerAggregation.P95 => $"""
                SELECT grp, b, value, n FROM (
                    SELECT grp, b, value, ROW_NUMBER() OVER (PARTITION BY grp, b ORDER BY value) AS rn, COUNT(*) OVER (PARTITION BY grp, b) AS n
                    FROM ({Selected(q, d)}) s {where}) r
                WHERE rn = (n * 95 + 99) / 100
                ORDER BY grp, b
                """,
            _ => $"""
                SELECT grp, b, {Aggregate(q.Aggregation)} AS value, COUNT(*) AS n
                FROM ({Selected(q, d)}) s {where}
                GROUP BY grp, b ORDER BY grp, b
                """,
        };
    }

    private static string Aggregate(ExplorerAggregation a) => a switch
    {
        ExplorerAggregation.Sum => "SUM(value)",
        ExplorerAggregation.Count => "COUNT(*)",
        _ => "AVG(value)",
    };
}
