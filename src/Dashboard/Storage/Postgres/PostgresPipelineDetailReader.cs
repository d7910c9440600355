using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL twin of the SQLite pipeline detail reader (metadata is JSON text: read through jsonb).</summary>
public sealed class PostgresPipelineDetailReader(NpgsqlDataSource data) : IPipelineDetailReader
{
    // Runs in scope, then their points through the (run, metric, ts) index: one probe per run.
    // $1 metric, $2 from, $3 run or null, $4 project or null.
    private const string Scope = """
        FROM runs r
        JOIN metric_names m ON m.name = $1
        JOIN points p ON p.run_id = r.id AND p.metric_id = m.id AND p.ts >= $2
        WHERE ($3::text IS NULL OR r.name = $3) AND ($4::text IS NULL OR r.project = $4)
        """;

    public IReadOnlyList<ExecutionBucket> GetTimeline(long from, long to, long stepMicros, string? run, string? project, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        using var cmd = Command(c, $"""
            SELECT (p.ts - $2) / $6 AS b, SUM(p.value), COUNT(*)
            {Scope} AND p.ts <= $5
            GROUP BY b ORDER BY b
            """, MetricNames.PipelineSuccess, from, run, project, to, stepMicros);
        using var r = cmd.ExecuteReader();
        var list = new List<ExecutionBucket>();
        while (r.Read())
        {
            var ok = (long)Math.Round(r.GetDouble(1));
            list.Add(new ExecutionBucket(from + r.GetInt64(0) * stepMicros, ok, r.GetInt64(2) - ok));
        }
        return list;
    }

    public IReadOnlyList<PipelineLatest> GetLatest(long from, string? run, string? project, int sample, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        var latest = new Dictionary<string, (bool Ok, long Ts, string Run)>(StringComparer.Ordinal);
        using (var cmd = Command(c, $"""
            SELECT DISTINCT ON (pipeline) pipeline, value, ts, name FROM (
                SELECT p.metadata::jsonb ->> 'pipeline' AS pipeline, p.value, p.ts, p.seq, r.name
                {Scope}) s
            WHERE pipeline IS NOT NULL
            ORDER BY pipeline, ts DESC, seq DESC
            """, MetricNames.PipelineSuccess, from, run, project))
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                latest[r.GetString(0)] = (r.GetDouble(1) >= 1, r.GetInt64(2), r.GetString(3));
            }
        }
        var times = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        using (var cmd = Command(c, $"""
            SELECT pipeline, value FROM (
                SELECT p.metadata::jsonb ->> 'pipeline' AS pipeline, p.value,
                       ROW_NUMBER() OVER (PARTITION BY p.metadata::jsonb ->> 'pipeline' ORDER BY p.ts DESC, p.seq DESC) AS n
                {Scope}) s
            WHERE n <= $5 AND pipeline IS NOT NULL
            """, MetricNames.PipelineExecutionTime, from, run, project, sample))
        {
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var key = r.GetString(0);
                if (!times.TryGetValue(key, out var list))
                {
                    times[key] = list = [];
                }
                list.Add(r.GetDouble(1));
            }
        }
        return latest.Select(l =>
        {
            var values = times.GetValueOrDefault(l.Key) ?? [];
            return new PipelineLatest(l.Key, l.Value.Ok, l.Value.Ts, l.Value.Run, MetricStats.From(values).P95, values.Count);
        }).OrderBy(l => l.Pipeline, StringComparer.Ordinal).ToList();
    }

    public IReadOnlyList<PipelineFailure> GetFailures(long from, string? run, string? project, int limit, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        // The execution's time is the pipeline_execution_time point of the same event: same run, time and pipeline.
        using var cmd = Command(c, $"""
            SELECT p.ts, r.name, p.metadata::jsonb ->> 'pipeline', p.metadata,
                   (SELECT t.value FROM metric_names tm JOIN points t ON t.metric_id = tm.id
                    WHERE tm.name = $6 AND t.run_id = p.run_id AND t.ts = p.ts
                      AND (t.metadata::jsonb -> 'pipeline') IS NOT DISTINCT FROM (p.metadata::jsonb -> 'pipeline') LIMIT 1)
            {Scope} AND p.value < 1
            ORDER BY p.ts DESC, p.seq DESC LIMIT $5
            """, MetricNames.PipelineSuccess, from, run, project, limit, MetricNames.PipelineExecutionTime);
        using var r = cmd.ExecuteReader();
        var list = new List<PipelineFailure>();
        while (r.Read())
        {
            list.Add(new PipelineFailure(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? "(none)" : r.GetString(2),
                r.IsDBNull(4) ? null : r.GetDouble(4), r.IsDBNull(3) ? null : r.GetString(3)));
        }
        return list;
    }

    private static NpgsqlCommand Command(NpgsqlConnection c, string sql, string metric, long from, string? run, string? project,
        params object[] more)
    {
        var cmd = PostgresCommands.Command(c, sql, metric, from);
        cmd.Parameters.Add(PostgresCommands.NullableText(run));
        cmd.Parameters.Add(PostgresCommands.NullableText(project));
        foreach (var v in more)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = v });
        }
        return cmd;
    }
}
