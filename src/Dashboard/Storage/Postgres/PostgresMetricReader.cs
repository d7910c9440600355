using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// The PostgreSQL twin of the SQLite metric reader. Stats, token usage and whole-second series come from rollups plus
/// raw edges (the shared Storage/Rollups readers, as on SQLite); raw reads walk ix_points_run_metric_ts_seq index-only
/// (ts, then seq: arrival order for equal timestamps, as SQLite's rowid gives), pruned to the range's day partitions.
/// </summary>
public sealed class PostgresMetricReader(NpgsqlDataSource data) : IMetricReader
{
    public long? GetRunId(string run, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        using var cmd = PostgresCommands.Command(c, "SELECT id FROM runs WHERE name = $1", run);
        return cmd.ExecuteScalar() as long?;
    }

    internal static long? GetMetricId(NpgsqlConnection c, string name)
    {
        using var cmd = PostgresCommands.Command(c, "SELECT id FROM metric_names WHERE name = $1", name);
        return cmd.ExecuteScalar() as long?;
    }

    public IReadOnlyList<MetricSummary> GetMetrics(long runId, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        using var cmd = PostgresCommands.Command(c, """
            SELECT n.name, m.count, m.last_value, m.last_ts, m.sum, m.min, m.max
            FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $1 ORDER BY n.name COLLATE "C"
            """, runId);
        using var r = cmd.ExecuteReader();
        var list = new List<MetricSummary>();
        while (r.Read())
        {
            list.Add(new MetricSummary(r.GetString(0), r.GetInt64(1), r.GetDouble(2), Timestamps.FromMicros(r.GetInt64(3)),
                r.GetDouble(4), r.GetDouble(5), r.GetDouble(6)));
        }
        return list;
    }

    public List<double> GetValues(long runId, string name, long from, long to, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        var values = new List<double>();
        if (GetMetricId(c, name) is not { } metricId)
        {
            return values;
        }
        using var cmd = PostgresCommands.Command(c,
            "SELECT value FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts, seq",
            runId, metricId, from, to);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            values.Add(reader.GetDouble(0));
        }
        return values;
    }

    /// <summary>Stats of the finite values in [from, to], from rollups plus raw edges (exactness: RollupReading.Stats).</summary>
    public MetricStats GetFiniteStats(long runId, string name, long from, long to, CancellationToken ct = default)
    {
        using var s = new PostgresRollupSnapshot(data);
        return s.MetricId(name) is { } metricId ? Rollups.RollupReading.Stats(s, runId, metricId, from, to) : MetricStats.Empty;
    }

    public NonFiniteCounts GetNonFinite(long runId, string name, long from, long to, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        if (GetMetricId(c, name) is not { } metricId)
        {
            return default;
        }
        using var cmd = PostgresCommands.Command(c, """
            SELECT COUNT(*) FILTER (WHERE value = 'NaN'), COUNT(*) FILTER (WHERE value = 'Infinity'), COUNT(*) FILTER (WHERE value = '-Infinity')
            FROM nonfinite_points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4
            """, runId, metricId, from, to);
        using var r = cmd.ExecuteReader();
        r.Read();
        return new NonFiniteCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
    }

    public (long First, long Last)? GetExtent(long runId, string name, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        if (GetMetricId(c, name) is not { } metricId)
        {
            return null;
        }
        using var cmd = PostgresCommands.Command(c, "SELECT MIN(ts), MAX(ts) FROM points WHERE run_id = $1 AND metric_id = $2", runId, metricId);
        using var r = cmd.ExecuteReader();
        return r.Read() && !r.IsDBNull(0) ? (r.GetInt64(0), r.GetInt64(1)) : null;
    }

    /// <summary>From rollups plus raw slivers when the step is whole seconds (as on SQLite), else from the raw points.</summary>
    public IReadOnlyList<SeriesBucket> GetSeries(long runId, string name, long from, long to, long stepMicros, CancellationToken ct = default)
    {
        if (Rollups.RollupSeriesReading.Applies(from, to, stepMicros))
        {
            using var s = new PostgresRollupSnapshot(data);
            if (s.MetricId(name) is not { } metricId)
            {
                return [];
            }
            if (Rollups.RollupSeriesReading.Read(s, runId, metricId, from, to, stepMicros) is { } series)
            {
                return series;
            }
        }
        return GetSeriesFromPoints(runId, name, from, to, stepMicros);
    }

    /// <summary>The raw computation <see cref="GetSeries"/> must equal (also its path for sub-second steps).</summary>
    public IReadOnlyList<SeriesBucket> GetSeriesFromPoints(long runId, string name, long from, long to, long stepMicros)
    {
        using var c = data.OpenConnection();
        var list = new List<SeriesBucket>();
        if (GetMetricId(c, name) is not { } metricId)
        {
            return list;
        }
        using var cmd = PostgresCommands.Command(c, """
            SELECT (ts - $3) / $5 AS b, COUNT(*), AVG(value), MIN(value), MAX(value)
            FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4
            GROUP BY b ORDER BY b
            """, runId, metricId, from, to, stepMicros);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add(new SeriesBucket(Timestamps.FromMicros(from + r.GetInt64(0) * stepMicros), r.GetInt64(1),
                r.GetDouble(2), r.GetDouble(3), r.GetDouble(4)));
        }
        return list;
    }

    /// <summary>afterimage's get_total_token_usage from rollups plus raw edges (exact: int() sums per bucket).</summary>
    public TokenUsageReport GetTokenUsage(long runId, long from, CancellationToken ct = default)
    {
        using var s = new PostgresRollupSnapshot(data);
        return Rollups.RollupReading.TokenUsage(s, runId, from);
    }

    /// <summary>The raw computation <see cref="GetTokenUsage"/> must equal (kept for tests and benchmarks).</summary>
    public TokenUsageReport GetTokenUsageFromPoints(long runId, long from)
    {
        using var c = data.OpenConnection();
        // trunc: SQLite's CAST(value AS INTEGER) (Python's int()) truncates toward zero, where ::bigint would round.
        using var cmd = PostgresCommands.Command(c, """
            SELECT COALESCE(NULLIF(p.model_name, ''), 'unknown') AS model, n.name, SUM(trunc(p.value)::bigint)::bigint
            FROM points p JOIN metric_names n ON n.id = p.metric_id
            WHERE p.run_id = $1 AND p.ts >= $2 AND n.name IN ($3, $4, $5)
            GROUP BY model, n.name
            """, runId, from, MetricNames.PromptTokens, MetricNames.CompletionTokens, MetricNames.TotalTokens);
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
