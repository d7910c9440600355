
namespace Dashboard.Storage.Sqlite;

/// <summary>Run goals and per-score acceptance thresholds in SQLite (schema step 10).</summary>
public sealed class SqliteGoalStore(SqliteConnectionFactory connections, TimeProvider time) : IGoalStore
{
    public async Task<RunGoal?> GetGoalAsync(long runId, CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT target, target_kind, deadline, accept_score, accept_min, budget FROM run_goals WHERE run_id = $r";
        cmd.Parameters.AddWithValue("$r", runId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return null;
        }
        return new RunGoal(r.IsDBNull(0) ? null : r.GetInt64(0), r.GetString(1) == "accepted" ? GoalKind.Accepted : GoalKind.Samples,
            r.IsDBNull(2) ? null : r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetDouble(4), r.IsDBNull(5) ? null : r.GetDouble(5));
    }

    public async Task SaveGoalAsync(long runId, RunGoal goal, CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT OR REPLACE INTO run_goals (run_id, target, target_kind, deadline, accept_score, accept_min, budget, updated_at)
            VALUES ($r, $target, $kind, $deadline, $score, $min, $budget, $now)
            """;
        cmd.Parameters.AddWithValue("$r", runId);
        cmd.Parameters.AddWithValue("$target", (object?)goal.Target ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$kind", RunGoal.KindText(goal.Kind));
        cmd.Parameters.AddWithValue("$deadline", (object?)goal.DeadlineMicros ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$score", (object?)goal.AcceptScore ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$min", (object?)goal.AcceptMin ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$budget", (object?)goal.Budget ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$now", Timestamps.ToMicros(time.GetUtcNow()));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> DeleteGoalAsync(long runId, CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM run_goals WHERE run_id = $r";
        cmd.Parameters.AddWithValue("$r", runId);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<IReadOnlyDictionary<string, double>> GetScoreThresholdsAsync(CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT score, min FROM score_thresholds ORDER BY score";
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var map = new SortedDictionary<string, double>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct))
        {
            map[r.GetString(0)] = r.GetDouble(1);
        }
        return map;
    }

    public async Task SaveScoreThresholdsAsync(IReadOnlyDictionary<string, double> thresholds, CancellationToken ct)
    {
        await using var c = connections.Open();
        await using var tx = c.BeginTransaction();
        await using (var delete = c.CreateCommand())
        {
            delete.CommandText = "DELETE FROM score_thresholds";
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO score_thresholds (score, min) VALUES ($s, $m)";
        var s = cmd.Parameters.Add("$s", Microsoft.Data.Sqlite.SqliteType.Text);
        var m = cmd.Parameters.Add("$m", Microsoft.Data.Sqlite.SqliteType.Real);
        foreach (var (score, min) in thresholds)
        {
            s.Value = score;
            m.Value = min;
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }
}
