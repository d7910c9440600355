using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>Aggregations over stored points, in SQL where SQLite can do them (percentiles are the caller's C#).</summary>
public sealed class SqliteMetricReader(SqliteConnectionFactory connections) : IMetricReader
{
    private readonly SqliteRollupReader _rollups = new(connections);

    /// <summary>The run's id, or null when no such run exists.</summary>
    public long? GetRunId(string run, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var cmd = SqliteCommands.Command(c, "SELECT id FROM runs WHERE name = $run", ("$run", run));
        return cmd.ExecuteScalar() as long?;
    }

    internal static long? GetMetricId(SqliteConnection c, string name)
    {
        using var cmd = SqliteCommands.Command(c, "SELECT id FROM metric_names WHERE name = $n", ("$n", name));
        return cmd.ExecuteScalar() as long?;
    }

    public IReadOnlyList<MetricSummary> GetMetrics(long runId, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var cmd = SqliteCommands.Command(c, """
            SELECT n.name, m.count, m.last_value, m.last_ts, m.sum, m.min, m.max
            FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $r ORDER BY n.name
            """, ("$r", runId));
        using var r = cmd.ExecuteReader();
        var list = new List<MetricSummary>();
        while (r.Read())
        {
            list.Add(new MetricSummary(r.GetString(0), r.GetInt64(1), r.GetDouble(2), Timestamps.FromMicros(r.GetInt64(3)),
                r.GetDouble(4), r.GetDouble(5), r.GetDouble(6)));
        }
        return list;
    }

    /// <summary>Raw values of one metric in [from, to], in time order.</summary>
    public List<double> GetValues(long runId, string name, long from, long to, CancellationToken ct = default)
    {
        using var c = connections.Open();
        var metricId = GetMetricId(c, name);
        var values = new List<double>();
        if (metricId is null)
        {
            return values;
        }
        using var cmd = SqliteCommands.Command(c, "SELECT value FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to ORDER BY ts, rowid",
            ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to));
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            values.Add(reader.GetDouble(0));
        }
        return values;
    }

    /// <summary>Stats of the finite values in [from, to], from rollups plus raw edges (exactness: SqliteRollupReader.GetStats).</summary>
    public MetricStats GetFiniteStats(long runId, string name, long from, long to, CancellationToken ct = default)
    {
        long? metricId;
        using (var c = connections.Open())
        {
            metricId = GetMetricId(c, name);
        }
        return metricId is { } m ? _rollups.GetStats(runId, m, from, to) : MetricStats.Empty;
    }

    /// <summary>NaN and infinite points of one metric in [from, to] (kept apart from the finite points).</summary>
    public NonFiniteCounts GetNonFinite(long runId, string name, long from, long to, CancellationToken ct = default)
    {
        using var c = connections.Open();
        var metricId = GetMetricId(c, name);
        if (metricId is null)
        {
            return default;
        }
        using var cmd = SqliteCommands.Command(c, """
            SELECT COALESCE(SUM(value = 'NaN'), 0), COALESCE(SUM(value = 'Infinity'), 0), COALESCE(SUM(value = '-Infinity'), 0)
            FROM nonfinite_points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to
            """, ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to));
        using var r = cmd.ExecuteReader();
        r.Read();
        return new NonFiniteCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
    }

    /// <summary>Time of the metric's first and last point, or null when it has none.</summary>
    public (long First, long Last)? GetExtent(long runId, string name, CancellationToken ct = default)
    {
        using var c = connections.Open();
        var metricId = GetMetricId(c, name);
        if (metricId is null)
        {
            return null;
        }
        // Two index seeks: MIN and MAX in one query would read every point of the metric.
        long? Seek(string order)
        {
            using var cmd = SqliteCommands.Command(c, $"SELECT ts FROM points WHERE run_id = $r AND metric_id = $m ORDER BY ts {order} LIMIT 1",
                ("$r", runId), ("$m", metricId));
            return cmd.ExecuteScalar() as long?;
        }
        return Seek("ASC") is { } first && Seek("DESC") is { } last ? (first, last) : null;
    }

    /// <summary>
    /// Points grouped into buckets of <paramref name="stepMicros"/>; empty buckets are left out. From rollups plus raw
    /// slivers when the step is whole seconds (counts, minima and maxima exact; means summed per bucket, equal to the
    /// point-by-point mean up to floating-point rounding), else from the raw points.
    /// </summary>
    public IReadOnlyList<SeriesBucket> GetSeries(long runId, string name, long from, long to, long stepMicros, CancellationToken ct = default)
    {
        using var c = connections.Open();
        if (GetMetricId(c, name) is not { } id)
        {
            return [];
        }
        if (Rollups.RollupSeriesReading.Applies(from, to, stepMicros))
        {
            using var s = new SqliteRollupSnapshot(c);
            if (Rollups.RollupSeriesReading.Read(s, runId, id, from, to, stepMicros) is { } series)
            {
                return series;
            }
        }
        return GetSeriesFromPoints(c, runId, id, from, to, stepMicros);
    }

    /// <summary>The raw computation <see cref="GetSeries"/> must equal (also its path for sub-second steps).</summary>
    public IReadOnlyList<SeriesBucket> GetSeriesFromPoints(long runId, string name, long from, long to, long stepMicros)
    {
        using var c = connections.Open();
        return GetMetricId(c, name) is { } id ? GetSeriesFromPoints(c, runId, id, from, to, stepMicros) : [];
    }

    private static List<SeriesBucket> GetSeriesFromPoints(SqliteConnection c, long runId, long metricId, long from, long to, long stepMicros)
    {
        var list = new List<SeriesBucket>();
        using var cmd = SqliteCommands.Command(c, """
            SELECT (ts - $from) / $step AS b, COUNT(*), AVG(value), MIN(value), MAX(value)
            FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to
            GROUP BY b ORDER BY b
            """, ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to), ("$step", stepMicros));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new SeriesBucket(Timestamps.FromMicros(from + r.GetInt64(0) * stepMicros), r.GetInt64(1),
                r.GetDouble(2), r.GetDouble(3), r.GetDouble(4)));
        }
        return list;
    }

    /// <summary>afterimage's get_total_token_usage: int() of each value, summed per model ("unknown" when none).</summary>
    public TokenUsageReport GetTokenUsage(long runId, long from, CancellationToken ct = default) => _rollups.GetTokenUsage(runId, from);

    /// <summary>The raw computation <see cref="GetTokenUsage"/> must equal (kept for tests and benchmarks).</summary>
    public TokenUsageReport GetTokenUsageFromPoints(long runId, long from)
    {
        using var c = connections.Open();
        using var cmd = SqliteCommands.Command(c, """
            SELECT COALESCE(NULLIF(p.model_name, ''), 'unknown') AS model, n.name, SUM(CAST(p.value AS INTEGER))
            FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $r AND p.ts >= $from
              AND n.name IN ($prompt, $completion, $total)
            GROUP BY model, n.name
            """, ("$r", runId), ("$from", from), ("$prompt", MetricNames.PromptTokens), ("$completion", MetricNames.CompletionTokens),
            ("$total", MetricNames.TotalTokens));
        using var r = cmd.ExecuteReader();
        var byModel = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        while (r.Read())
        {
            var sums = byModel.TryGetValue(r.GetString(0), out var s) ? s : byModel[r.GetString(0)] = new long[3];
            var slot = r.GetString(1) switch { MetricNames.PromptTokens => 0, MetricNames.CompletionTokens => 1, _ => 2 };
            sums[slot] = r.GetInt64(2);
        }
        var models = byModel.Select(m => new ModelTokenUsage(m.Key, m.Value[0], m.Value[1], m.Value[2])).ToList();
        return new TokenUsageReport(models, models.Sum(m => m.PromptTokens), models.Sum(m => m.CompletionTokens), models.Sum(m => m.TotalTokens));
    }
}
