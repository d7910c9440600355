namespace Dashboard.Storage;

/// <summary>
/// A run's points of one metric in index order, one connection per call, written once for both providers: SQLite reads
/// them from the covering (run_id, metric_id, ts, value, model_name) index, PostgreSQL index-only from (run_id, metric_id,
/// ts, seq) INCLUDE (value, model_name).
/// </summary>
public abstract class SqlRunPointVisitor(SqlConnections db) : IRunPointVisitor
{
    public void VisitPoints(long runId, string name, long from, long to, Action<long, double, string?> visit, CancellationToken ct = default)
    {
        using var c = db.Open();
        if (db.GetMetricId(c, name) is not { } metricId)
        {
            return;
        }
        using var cmd = db.Command(c, "SELECT ts, value, model_name FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4",
            runId, metricId, from, to);
        using var r = cmd.ExecuteReader();
        string? lastModel = null;
        var rows = 0;
        while (r.Read())
        {
            if ((++rows & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            string? model = null;
            if (!r.IsDBNull(2))
            {
                // Most points of a run carry the same few model names: reuse the string.
                var m = r.GetString(2);
                model = m == lastModel ? lastModel : lastModel = m;
            }
            visit(r.GetInt64(0), r.GetDouble(1), model);
        }
    }
}
