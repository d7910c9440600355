namespace Dashboard.Storage;

/// <summary>
/// The pipelines page's detail reads, written once for both providers (<see cref="SqlDialect"/> holds what differs):
/// runs in scope, then their points through the (run, metric, ts) index, one probe per run. Equal times go newest
/// arrival first.
/// </summary>
public abstract class SqlPipelineDetailReader(SqlConnections db) : IPipelineDetailReader
{
    // $1 metric, $2 from, $3 run or null, $4 project or null (typed by the CASTs: PostgreSQL cannot type a bare NULL).
    private const string Scope = """
        FROM runs r
        JOIN metric_names m ON m.name = $1
        JOIN points p ON p.run_id = r.id AND p.metric_id = m.id AND p.ts >= $2
        WHERE (CAST($3 AS TEXT) IS NULL OR r.name = $3) AND (CAST($4 AS TEXT) IS NULL OR r.project = $4)
        """;

    private SqlDialect D => db.Dialect;

    public IReadOnlyList<ExecutionBucket> GetTimeline(long from, long to, long stepMicros, string? run, string? project, CancellationToken ct = default)
    {
        using var c = db.Open();
        using var cmd = db.Command(c, $"""
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
        using var c = db.Open();
        var latest = new Dictionary<string, (bool Ok, long Ts, string Run)>(StringComparer.Ordinal);
        var pipeline = D.JsonValue("p.metadata", "pipeline");
        using (var cmd = db.Command(c, $"""
            SELECT pipeline, value, ts, name FROM (
                SELECT {D.JsonText("p.metadata", "pipeline")} AS pipeline, p.value, p.ts, r.name,
                       ROW_NUMBER() OVER (PARTITION BY {pipeline} ORDER BY p.ts DESC, p.{D.Arrival} DESC) AS n
                {Scope}) AS ranked
            WHERE n = 1 AND pipeline IS NOT NULL
            """, MetricNames.PipelineSuccess, from, run, project))
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                latest[r.GetString(0)] = (r.GetDouble(1) >= 1, r.GetInt64(2), r.GetString(3));
            }
        }
        var times = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        using (var cmd = db.Command(c, $"""
            SELECT pipeline, value FROM (
                SELECT {D.JsonText("p.metadata", "pipeline")} AS pipeline, p.value,
                       ROW_NUMBER() OVER (PARTITION BY {pipeline} ORDER BY p.ts DESC, p.{D.Arrival} DESC) AS n
                {Scope}) AS ranked
            WHERE n <= $5 AND pipeline IS NOT NULL
            """, MetricNames.PipelineExecutionTime, from, run, project, (long)sample))
        using (var r = cmd.ExecuteReader())
        {
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
        using var c = db.Open();
        // The execution's time is the pipeline_execution_time point of the same event: same run, time and pipeline.
        using var cmd = db.Command(c, $"""
            SELECT p.ts, r.name, {D.JsonText("p.metadata", "pipeline")}, p.metadata,
                   (SELECT t.value FROM metric_names tm JOIN points t ON t.metric_id = tm.id
                    WHERE tm.name = $6 AND t.run_id = p.run_id AND t.ts = p.ts AND {D.SameJson("t.metadata", "p.metadata", "pipeline")} LIMIT 1)
            {Scope} AND p.value < 1
            ORDER BY p.ts DESC, p.{D.Arrival} DESC LIMIT $5
            """, MetricNames.PipelineSuccess, from, run, project, (long)limit, MetricNames.PipelineExecutionTime);
        using var r = cmd.ExecuteReader();
        var list = new List<PipelineFailure>();
        while (r.Read())
        {
            list.Add(new PipelineFailure(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? "(none)" : r.GetString(2),
                r.IsDBNull(4) ? null : r.GetDouble(4), r.IsDBNull(3) ? null : r.GetString(3)));
        }
        return list;
    }
}
