using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

public sealed class SqlitePipelineDetailReader(SqliteConnectionFactory connections) : IPipelineDetailReader
{
    // Runs in scope, then their points through the (run, metric, ts) index: one probe per run.
    private const string Scope = """
        FROM runs r
        JOIN metric_names m ON m.name = $metric
        JOIN points p ON p.run_id = r.id AND p.metric_id = m.id AND p.ts >= $from
        WHERE ($run IS NULL OR r.name = $run) AND ($project IS NULL OR r.project = $project)
        """;

    public IReadOnlyList<ExecutionBucket> GetTimeline(long from, long to, long stepMicros, string? run, string? project, CancellationToken ct = default)
    {
        using var c = connections.Open();
        using var cmd = Command(c, $"""
            SELECT (p.ts - $from) / $step AS b, SUM(p.value), COUNT(*)
            {Scope} AND p.ts <= $to
            GROUP BY b ORDER BY b
            """, "pipeline_success", from, run, project);
        cmd.Parameters.AddWithValue("$to", to);
        cmd.Parameters.AddWithValue("$step", stepMicros);
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
        using var c = connections.Open();
        var latest = new Dictionary<string, (bool Ok, long Ts, string Run)>(StringComparer.Ordinal);
        using (var cmd = Command(c, $"""
            SELECT pipeline, value, ts, name FROM (
                SELECT CAST(json_extract(p.metadata, '$.pipeline') AS TEXT) AS pipeline, p.value, p.ts, r.name,
                       ROW_NUMBER() OVER (PARTITION BY json_extract(p.metadata, '$.pipeline') ORDER BY p.ts DESC) AS n
                {Scope})
            WHERE n = 1 AND pipeline IS NOT NULL
            """, "pipeline_success", from, run, project))
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
                SELECT CAST(json_extract(p.metadata, '$.pipeline') AS TEXT) AS pipeline, p.value,
                       ROW_NUMBER() OVER (PARTITION BY json_extract(p.metadata, '$.pipeline') ORDER BY p.ts DESC) AS n
                {Scope})
            WHERE n <= $sample AND pipeline IS NOT NULL
            """, "pipeline_execution_time", from, run, project))
        {
            cmd.Parameters.AddWithValue("$sample", sample);
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
        using var c = connections.Open();
        // The execution's time is the pipeline_execution_time point of the same event: same run, time and pipeline.
        using var cmd = Command(c, $"""
            SELECT p.ts, r.name, CAST(json_extract(p.metadata, '$.pipeline') AS TEXT), p.metadata,
                   (SELECT t.value FROM metric_names tm JOIN points t ON t.metric_id = tm.id
                    WHERE tm.name = 'pipeline_execution_time' AND t.run_id = p.run_id AND t.ts = p.ts
                      AND json_extract(t.metadata, '$.pipeline') IS json_extract(p.metadata, '$.pipeline') LIMIT 1)
            {Scope} AND p.value < 1
            ORDER BY p.ts DESC LIMIT $limit
            """, "pipeline_success", from, run, project);
        cmd.Parameters.AddWithValue("$limit", limit);
        using var r = cmd.ExecuteReader();
        var list = new List<PipelineFailure>();
        while (r.Read())
        {
            list.Add(new PipelineFailure(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? "(none)" : r.GetString(2),
                r.IsDBNull(4) ? null : r.GetDouble(4), r.IsDBNull(3) ? null : r.GetString(3)));
        }
        return list;
    }

    private static SqliteCommand Command(SqliteConnection c, string sql, string metric, long from, string? run, string? project)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$metric", metric);
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$run", (object?)run ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$project", (object?)project ?? DBNull.Value);
        return cmd;
    }
}
