using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// The writer's reads for <see cref="TokenEventTracker"/>, on its connection and inside its transaction. Each first read
/// of a run also notes its event count in <paramref name="versions"/>: what the tracker learns holds for that count.
/// </summary>
internal sealed class PostgresTokenTimes(NpgsqlConnection c, NpgsqlTransaction tx, Dictionary<long, long> versions)
{
    private static readonly string[] Tracked =
        [MetricNames.PromptTokens, MetricNames.CompletionTokens, MetricNames.TotalTokens, MetricNames.GenerationTime, MetricNames.EvaluationTime];

    /// <summary>
    /// The latest time of a tracked point the run stored, or an upper bound of it: run_metrics.last_ts only grows
    /// (retention leaves it), and a bound too high only makes the tracker read a time's stored state instead of assuming none.
    /// </summary>
    public long Latest(long runId)
    {
        using var cmd = new NpgsqlCommand("""
            SELECT COALESCE(MAX(m.last_ts), (-9223372036854775807)::bigint - 1), (SELECT event_count FROM runs WHERE id = $1)
            FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = $1 AND n.name = ANY($2)
            """, c, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = runId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Tracked });
        using var r = cmd.ExecuteReader();
        r.Read();
        versions[runId] = r.GetInt64(1);
        return r.GetInt64(0);
    }

    /// <summary>What the run stored at one time: one index probe per tracked metric (LATERAL keeps (run, metric, ts) leading).</summary>
    public TokenTimeState Stored(long runId, long ts)
    {
        using var cmd = new NpgsqlCommand("""
            SELECT n.name, p.value, p.model_name FROM metric_names n
            CROSS JOIN LATERAL (SELECT value, model_name FROM points WHERE run_id = $1 AND metric_id = n.id AND ts = $2) p
            WHERE n.name = ANY($3)
            """, c, tx);
        cmd.Parameters.Add(new NpgsqlParameter { Value = runId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = ts });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Tracked });
        var state = new TokenTimeState();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            state.Add(r.GetString(0), r.GetDouble(1), r.IsDBNull(2) ? null : r.GetString(2));
        }
        return state;
    }
}
