using Dashboard.Storage.Rollups;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>The writer's reads for <see cref="TokenEventTracker"/>, on its connection and inside its transaction.</summary>
internal sealed class SqliteTokenTimes : IDisposable
{
    private const string Tracked = "('prompt_token_count', 'completion_token_count', 'total_token_count', 'generation_time', 'evaluation_time')";
    private readonly SqliteCommand _latest;
    private readonly SqliteCommand _stored;

    /// <summary>The statements behind <see cref="Latest"/> and <see cref="Stored"/> (their plans are checked by a test).</summary>
    internal IReadOnlyList<SqliteCommand> Statements => [_latest, _stored];

    public SqliteTokenTimes(SqliteConnection connection)
    {
        _latest = connection.CreateCommand();
        // One MAX per metric: each is a single index seek (a MAX over several metrics would scan them).
        _latest.CommandText = "SELECT COALESCE(MAX(m), -9223372036854775808) FROM (" + string.Join(" UNION ALL ",
            Enumerable.Range(0, 5).Select(i => $"SELECT (SELECT MAX(ts) FROM points WHERE run_id = $r AND metric_id = (SELECT id FROM metric_names WHERE name = $n{i})) AS m")) + ")";
        _latest.Parameters.AddWithValue("$r", 0L);
        string[] names = [MetricNames.PromptTokens, MetricNames.CompletionTokens, MetricNames.TotalTokens, MetricNames.GenerationTime, MetricNames.EvaluationTime];
        for (var i = 0; i < names.Length; i++)
        {
            _latest.Parameters.AddWithValue($"$n{i}", names[i]);
        }
        _stored = connection.CreateCommand();
        // CROSS JOIN keeps metric_names the outer loop, so each name is one seek on (run_id, metric_id, ts). With a plain
        // JOIN SQLite's planner (no ANALYZE statistics) walked every point of the run instead: 0.8 s at 30 million points,
        // inside the writer's transaction, whenever a token point arrived at or before the run's latest token time.
        _stored.CommandText = $"""
            SELECT n.name, p.value, p.model_name FROM metric_names n CROSS JOIN points p ON p.metric_id = n.id
            WHERE n.name IN {Tracked} AND p.run_id = $r AND p.ts = $t
            """;
        _stored.Parameters.AddWithValue("$r", 0L);
        _stored.Parameters.AddWithValue("$t", 0L);
    }

    public void Use(SqliteTransaction tx)
    {
        _latest.Transaction = tx;
        _stored.Transaction = tx;
    }

    public long Latest(long runId)
    {
        _latest.Parameters[0].Value = runId;
        return (long)_latest.ExecuteScalar()!;
    }

    public TokenTimeState Stored(long runId, long ts)
    {
        _stored.Parameters[0].Value = runId;
        _stored.Parameters[1].Value = ts;
        var state = new TokenTimeState();
        using var r = _stored.ExecuteReader();
        while (r.Read())
        {
            state.Add(r.GetString(0), r.GetDouble(1), r.IsDBNull(2) ? null : r.GetString(2));
        }
        return state;
    }

    public void Dispose()
    {
        _latest.Dispose();
        _stored.Dispose();
    }
}
