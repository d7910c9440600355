using Npgsql;
using static Dashboard.Storage.Postgres.PostgresCommands;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL twin of <see cref="Sqlite.SqliteGoalStore"/> (schema step 10).</summary>
public sealed class PostgresGoalStore(NpgsqlDataSource dataSource, TimeProvider time) : IGoalStore
{
    public async Task<RunGoal?> GetGoalAsync(long runId, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = Command(c, "SELECT target, target_kind, deadline, accept_score, accept_min, budget FROM run_goals WHERE run_id = $1", runId);
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
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO run_goals (run_id, target, target_kind, deadline, accept_score, accept_min, budget, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (run_id) DO UPDATE SET target = excluded.target, target_kind = excluded.target_kind, deadline = excluded.deadline,
                accept_score = excluded.accept_score, accept_min = excluded.accept_min, budget = excluded.budget, updated_at = excluded.updated_at
            """, c);
        cmd.Parameters.Add(new NpgsqlParameter { Value = runId });
        cmd.Parameters.Add(NullableLong(goal.Target));
        cmd.Parameters.Add(new NpgsqlParameter { Value = RunGoal.KindText(goal.Kind) });
        cmd.Parameters.Add(NullableLong(goal.DeadlineMicros));
        cmd.Parameters.Add(NullableText(goal.AcceptScore));
        cmd.Parameters.Add(NullableDouble(goal.AcceptMin));
        cmd.Parameters.Add(NullableDouble(goal.Budget));
        cmd.Parameters.Add(new NpgsqlParameter { Value = Timestamps.ToMicros(time.GetUtcNow()) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> DeleteGoalAsync(long runId, CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = Command(c, "DELETE FROM run_goals WHERE run_id = $1", runId);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    }

    public async Task<IReadOnlyDictionary<string, double>> GetScoreThresholdsAsync(CancellationToken ct)
    {
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var cmd = Command(c, "SELECT score, min FROM score_thresholds");
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
        await using var c = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await using (var delete = Command(c, "DELETE FROM score_thresholds"))
        {
            await delete.ExecuteNonQueryAsync(ct);
        }
        foreach (var (score, min) in thresholds)
        {
            await using var insert = Command(c, "INSERT INTO score_thresholds (score, min) VALUES ($1, $2)", score, min);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private static NpgsqlParameter NullableDouble(double? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Double };
}
