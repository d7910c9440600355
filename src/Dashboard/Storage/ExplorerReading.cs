using System.Data.Common;

namespace Dashboard.Storage;

/// <summary>
/// The explorer's read, the same for both providers over their own connection: list the groups (bounded by
/// MaxGroups), then read the kept groups' buckets. The run function executes SQL with parameters and hands back
/// a reader.
/// </summary>
public static class ExplorerReading
{
    public static ExplorerResult Read(ExplorerQuery q, ExplorerSql.Dialect d, Func<string, object?[], DbDataReader> run)
    {
        if (q.RunIds.Count == 0)
        {
            return ExplorerResult.Empty;
        }
        var args = ExplorerSql.Parameters(q);
        var groups = new List<(string? Group, long Points)>();
        using (var r = run(ExplorerSql.Groups(q, d), args))
        {
            while (r.Read())
            {
                groups.Add((r.IsDBNull(0) ? null : Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(1)));
            }
        }
        if (groups.Count == 0)
        {
            return ExplorerResult.Empty;
        }
        var kept = groups.Take(q.MaxGroups).ToList();
        var values = kept.Where(g => g.Group is not null).Select(g => (object?)g.Group).ToList();
        var keepNull = kept.Any(g => g.Group is null);
        var buckets = kept.ToDictionary(g => g.Group ?? "\0null", _ => new List<ExplorerBucket>());
        using (var r = run(ExplorerSql.Buckets(q, d, values.Count, keepNull), [.. args, .. values]))
        {
            while (r.Read())
            {
                var group = r.IsDBNull(0) ? "\0null" : Convert.ToString(r.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!;
                if (buckets.TryGetValue(group, out var list))
                {
                    list.Add(new ExplorerBucket(q.From + r.GetInt64(1) * q.BucketMicros, Convert.ToDouble(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), r.GetInt64(3)));
                }
            }
        }
        return new ExplorerResult([.. kept.Select(g => new ExplorerSeries(g.Group, g.Points, buckets[g.Group ?? "\0null"]))], groups.Count);
    }
}
