using System.Data.Common;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// <see cref="SqlRunPointReader"/> on PostgreSQL: series read index-only on (run_id, metric_id, ts, seq) INCLUDE (value,
/// model_name), equal timestamps in arrival order (seq, SQLite's rowid).
/// </summary>
public sealed class PostgresRunPointReader(NpgsqlDataSource data) : SqlRunPointReader(new PostgresSqlConnections(data))
{
    /// <summary>Events (with at least one point) timed at or after the start of the second holding <paramref name="since"/>: at most 61 rollup rows a minute.</summary>
    public override long CountEventsSince(long runId, long since, CancellationToken ct = default)
    {
        using var c = (NpgsqlConnection)Db.Open();
        using var cmd = PostgresCommands.Command(c, "SELECT COALESCE(SUM(events), 0)::bigint FROM run_event_seconds WHERE run_id = $1 AND second >= $2",
            runId, Rollups.RollupLevels.BucketOf(since, Rollups.RollupLevels.Second));
        return (long)cmd.ExecuteScalar()!;
    }

    protected override void ReadPoints(DbConnection c, long runId, long metricId, long from, long to, List<long> times, List<double> values,
        Action<string?, double>? perModel)
    {
        using var cmd = PostgresCommands.Command((NpgsqlConnection)c, perModel is null
            ? "SELECT ts, value FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts, seq"
            : "SELECT ts, value, model_name FROM points WHERE run_id = $1 AND metric_id = $2 AND ts >= $3 AND ts <= $4 ORDER BY ts, seq",
            runId, metricId, from, to);
        using var r = cmd.ExecuteReader();
        string? lastModel = null;
        while (r.Read())
        {
            var value = r.GetDouble(1);
            times.Add(r.GetInt64(0));
            values.Add(value);
            if (perModel is not null)
            {
                string? model = null;
                if (!r.IsDBNull(2))
                {
                    // Most points of a run carry the same few model names: reuse the string.
                    var m = r.GetString(2);
                    model = m == lastModel ? lastModel : lastModel = m;
                }
                perModel(model, value);
            }
        }
    }
}
