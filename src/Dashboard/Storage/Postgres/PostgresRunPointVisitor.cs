using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>Reads index-only from (run_id, metric_id, ts, seq) INCLUDE (value, model_name); one connection per call.</summary>
public sealed class PostgresRunPointVisitor(NpgsqlDataSource data) : IRunPointVisitor
{
    public void VisitPoints(long runId, string name, long from, long to, Action<long, double, string?> visit, CancellationToken ct = default)
    {
        using var c = data.OpenConnection();
        if (PostgresMetricReader.GetMetricId(c, name) is not { } metricId)
        {
            return;
        }
        using var cmd = PostgresCommands.Command(c,
            "SELECT ts, value, model_name FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4",
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
                var m = r.GetString(2);
                model = m == lastModel ? lastModel : lastModel = m;
            }
            visit(r.GetInt64(0), r.GetDouble(1), model);
        }
    }
}
