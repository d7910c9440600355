namespace Dashboard.Storage.Sqlite;

/// <summary>Reads from the covering (run_id, metric_id, ts, value, model_name) index; one connection per call.</summary>
public sealed class SqliteRunPointVisitor(SqliteConnectionFactory connections) : IRunPointVisitor
{
    public void VisitPoints(long runId, string name, long from, long to, Action<long, double, string?> visit, CancellationToken ct = default)
    {
        using var c = connections.Open();
        if (SqliteMetricReader.GetMetricId(c, name) is not { } metricId)
        {
            return;
        }
        using var cmd = SqliteCommands.Command(c,
            "SELECT ts, value, model_name FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to",
            ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to));
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
