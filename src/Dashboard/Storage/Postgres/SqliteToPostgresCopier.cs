using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>What the copy did for one table, and whether both sides hold the same number of rows afterwards.</summary>
public sealed record CopiedTableResult(string Table, long SqliteRows, long PostgresRows, long CopiedNow)
{
    public bool Matches => SqliteRows == PostgresRows;
}

/// <summary>
/// Copies a SQLite store into a PostgreSQL database at the same schema version, table by table in chunks. Each chunk
/// commits together with its table's progress row (table <c>migration_progress</c>), so an interrupted copy resumes
/// where it stopped and never copies a row twice. Points keep their insertion order (copied in rowid order, so their
/// seq follows it). Row counts of every table are compared at the end.
/// </summary>
public sealed class SqliteToPostgresCopier(SqliteConnection sqlite, NpgsqlDataSource postgres, TextWriter log)
{
    /// <summary>Rows per chunk (one PostgreSQL transaction each).</summary>
    public int ChunkRows { get; init; } = 50_000;

    /// <summary>For tests of resuming: stop (as if killed) after this many chunks in this call.</summary>
    internal int? StopAfterChunks { get; init; }

    private int _chunks;

    public IReadOnlyList<CopiedTableResult> Copy()
    {
        using var pg = postgres.OpenConnection();
        CheckTablesKnown();
        CheckTargetEmpty(pg);
        Execute(pg, """
            CREATE TABLE IF NOT EXISTS migration_progress (
                table_name text PRIMARY KEY, last_key bigint, last_text text, copied bigint NOT NULL DEFAULT 0, done boolean NOT NULL DEFAULT false)
            """);
        var results = new List<CopiedTableResult>();
        foreach (var table in SqliteToPostgresTables.All)
        {
            var copied = CopyTable(pg, table);
            results.Add(new CopiedTableResult(table.Name, Count(table.Name), CountPostgres(pg, table.Name), copied));
            log.WriteLine($"{table.Name}: {results[^1].SqliteRows} rows in SQLite, {results[^1].PostgresRows} in PostgreSQL ({copied} copied now)");
        }
        // Rollups are derived: rebuilt from the copied points in one transaction (a resumed copy rebuilds them again).
        PostgresRollupBackfill.Rebuild(pg);
        log.WriteLine("rollups rebuilt from the copied points");
        foreach (var (table, maxSql) in SqliteToPostgresTables.Sequences)
        {
            // Identity columns continue after the copied ids (and runs after every purged id, never reusing one).
            Execute(pg, $"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(COALESCE(({maxSql}), 0), 1), ({maxSql}) IS NOT NULL)");
        }
        return results;
    }

    private long CopyTable(NpgsqlConnection pg, CopiedTable table)
    {
        var (lastKey, lastText, done) = Progress(pg, table.Name);
        if (done)
        {
            return 0;
        }
        if (table.Name == "points")
        {
            EnsurePartitions(pg);
        }
        long copied = 0;
        while (true)
        {
            Stop();
            using var tx = pg.BeginTransaction();
            if (SqliteToPostgresTables.Seeded.Contains(table.Name))
            {
                // A table the schema seeds (the starter prices) takes the SQLite store's rows instead, in the same transaction.
                Execute(pg, $"DELETE FROM {table.Name}");
            }
            var (rows, key, text) = CopyChunk(pg, table, lastKey, lastText);
            copied += rows;
            var finished = table.Key is null || rows < ChunkRows;
            using (var save = new NpgsqlCommand("""
                INSERT INTO migration_progress (table_name, last_key, last_text, copied, done) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (table_name) DO UPDATE SET last_key = excluded.last_key, last_text = excluded.last_text,
                    copied = migration_progress.copied + excluded.copied, done = excluded.done
                """, pg, tx))
            {
                save.Parameters.Add(new NpgsqlParameter { Value = table.Name });
                save.Parameters.Add(new NpgsqlParameter { Value = (object?)key ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
                save.Parameters.Add(new NpgsqlParameter { Value = (object?)text ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
                save.Parameters.Add(new NpgsqlParameter { Value = (long)rows });
                save.Parameters.Add(new NpgsqlParameter { Value = finished });
                save.ExecuteNonQuery();
            }
            tx.Commit();
            _chunks++;
            (lastKey, lastText) = (key ?? lastKey, text ?? lastText);
            if (finished)
            {
                return copied;
            }
        }
    }

    private (int Rows, long? LastKey, string? LastText) CopyChunk(NpgsqlConnection pg, CopiedTable table, long? lastKey, string? lastText)
    {
        var columns = string.Join(", ", table.Columns.Select(c => c.Column));
        using var read = sqlite.CreateCommand();
        read.CommandText = table.Key switch
        {
            null => $"SELECT {columns} FROM {table.Name}",
            "rowid" => $"SELECT {columns}, rowid FROM {table.Name} WHERE rowid > $k ORDER BY rowid LIMIT $n",
            _ => $"SELECT {columns} FROM {table.Name} WHERE (run_id, event_id) > ($k, $t) ORDER BY run_id, event_id LIMIT $n",
        };
        read.Parameters.AddWithValue("$k", lastKey ?? long.MinValue);
        read.Parameters.AddWithValue("$t", lastText ?? "");
        read.Parameters.AddWithValue("$n", ChunkRows);
        using var reader = read.ExecuteReader();
        using var copy = pg.BeginBinaryImport($"COPY {table.Name} ({columns}) FROM STDIN (FORMAT BINARY)");
        int rows = 0;
        long? key = null;
        string? text = null;
        while (reader.Read())
        {
            copy.StartRow();
            for (var i = 0; i < table.Columns.Length; i++)
            {
                if (reader.IsDBNull(i))
                {
                    copy.WriteNull();
                    continue;
                }
                switch (table.Columns[i].Type)
                {
                    case NpgsqlTypes.NpgsqlDbType.Bigint: copy.Write(reader.GetInt64(i), NpgsqlTypes.NpgsqlDbType.Bigint); break;
                    case NpgsqlTypes.NpgsqlDbType.Double: copy.Write(reader.GetDouble(i), NpgsqlTypes.NpgsqlDbType.Double); break;
                    case NpgsqlTypes.NpgsqlDbType.Bytea: copy.Write((byte[])reader.GetValue(i), NpgsqlTypes.NpgsqlDbType.Bytea); break;
                    default: copy.Write(reader.GetString(i), NpgsqlTypes.NpgsqlDbType.Text); break;
                }
            }
            rows++;
            if (table.Key == "rowid")
            {
                key = reader.GetInt64(table.Columns.Length);
            }
            else if (table.Key is not null)
            {
                (key, text) = (reader.GetInt64(0), reader.GetString(1));
            }
        }
        copy.Complete();
        return (rows, key, text);
    }

    /// <summary>Every day the SQLite points cover gets its partition before the first chunk.</summary>
    private void EnsurePartitions(NpgsqlConnection pg)
    {
        using var days = sqlite.CreateCommand();
        var d = PostgresPartitions.MicrosPerDay;
        days.CommandText = $"SELECT DISTINCT (ts - (((ts % {d}) + {d}) % {d})) / {d} FROM points";
        using var reader = days.ExecuteReader();
        var list = new List<long>();
        while (reader.Read())
        {
            list.Add(reader.GetInt64(0));
        }
        new PostgresPartitions().Ensure(pg, list);
    }

    private void CheckTablesKnown()
    {
        using var tables = sqlite.CreateCommand();
        tables.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        using var reader = tables.ExecuteReader();
        var unknown = new List<string>();
        while (reader.Read())
        {
            var name = reader.GetString(0);
            if (!SqliteToPostgresTables.All.Any(t => t.Name == name) && !SqliteToPostgresTables.Derived.Contains(name))
            {
                unknown.Add(name);
            }
        }
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The SQLite store has tables this migrator does not know how to copy: {string.Join(", ", unknown)} (see SqliteToPostgresTables).");
        }
    }

    /// <summary>A copy starts only into an empty database (or resumes its own): merging two stores is not a migration.</summary>
    private static void CheckTargetEmpty(NpgsqlConnection pg)
    {
        using var started = new NpgsqlCommand("SELECT to_regclass('migration_progress') IS NOT NULL", pg);
        if ((bool)started.ExecuteScalar()!)
        {
            return;
        }
        var used = SqliteToPostgresTables.All.Where(t => !SqliteToPostgresTables.Seeded.Contains(t.Name) && CountPostgres(pg, t.Name) > 0).Select(t => t.Name).ToList();
        if (used.Count > 0)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database already holds data ({string.Join(", ", used)}); copy into an empty database (create one, and do not start a dashboard on it first).");
        }
    }

    private static (long? Key, string? Text, bool Done) Progress(NpgsqlConnection pg, string table)
    {
        using var read = new NpgsqlCommand("SELECT last_key, last_text, done FROM migration_progress WHERE table_name = $1", pg);
        read.Parameters.Add(new NpgsqlParameter { Value = table });
        using var reader = read.ExecuteReader();
        return reader.Read()
            ? (reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetBoolean(2))
            : (null, null, false);
    }

    private long Count(string table)
    {
        using var count = sqlite.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)count.ExecuteScalar()!;
    }

    private static long CountPostgres(NpgsqlConnection pg, string table)
    {
        using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", pg);
        return (long)count.ExecuteScalar()!;
    }

    private void Stop()
    {
        if (_chunks >= StopAfterChunks)
        {
            throw new OperationCanceledException($"Stopped after {_chunks} chunks (test hook).");
        }
    }

    private static void Execute(NpgsqlConnection pg, string sql)
    {
        using var command = new NpgsqlCommand(sql, pg);
        command.ExecuteNonQuery();
    }
}
