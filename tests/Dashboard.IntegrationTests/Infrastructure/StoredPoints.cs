using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>
/// Reads what is really stored, through a separate connection: the SQLite file (read-only), or, in the suite's
/// PostgreSQL pass, the database that <see cref="DashboardFactory"/> made for the same path (no file exists there).
/// </summary>
public static class StoredPoints
{
    public sealed record Row(string Name, long Timestamp, double Value, string? ModelName, string? Metadata);

    public static List<Row> Read(string databasePath, string run)
    {
        const string Select = """
            SELECT n.name, p.ts, p.value, p.model_name, p.metadata
            FROM points p JOIN metric_names n ON n.id = p.metric_id JOIN runs r ON r.id = p.run_id
            """;
        var rows = new List<Row>();
        if (OnPostgres(databasePath))
        {
            using var pg = new NpgsqlConnection(TestPostgres.Database(databasePath));
            pg.Open();
            using var command = new NpgsqlCommand(Select + " WHERE r.name = $1 ORDER BY p.seq", pg);
            command.Parameters.Add(new NpgsqlParameter { Value = run });
            using var pr = command.ExecuteReader();
            while (pr.Read())
            {
                rows.Add(new Row(pr.GetString(0), pr.GetInt64(1), pr.GetDouble(2), pr.IsDBNull(3) ? null : pr.GetString(3), pr.IsDBNull(4) ? null : pr.GetString(4)));
            }
            return rows;
        }
        using var c = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = Select + " WHERE r.name = $run ORDER BY p.rowid";
        cmd.Parameters.AddWithValue("$run", run);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            rows.Add(new Row(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)));
        }
        return rows;
    }

    /// <summary>A scalar count; the SQL must be valid on both providers (COUNT, SUM, COALESCE over plain columns are).</summary>
    public static long Count(string databasePath, string sql)
    {
        if (OnPostgres(databasePath))
        {
            using var pg = new NpgsqlConnection(TestPostgres.Database(databasePath));
            pg.Open();
            using var command = new NpgsqlCommand(sql, pg);
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        using var c = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>
    /// Rows of a reference query written once per provider (they differ in JSON functions and collations), each row
    /// as its column values; parameters are $1, $2, ... in both.
    /// </summary>
    public static List<object?[]> Query(string databasePath, string sqlite, string postgres, params object?[] values)
    {
        if (OnPostgres(databasePath))
        {
            using var pg = new NpgsqlConnection(TestPostgres.Database(databasePath));
            pg.Open();
            using var command = new NpgsqlCommand(postgres, pg);
            foreach (var v in values)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = v ?? DBNull.Value });
            }
            return Rows(command.ExecuteReader());
        }
        using var c = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sqlite;
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters.AddWithValue($"${i + 1}", values[i] ?? DBNull.Value);
        }
        return Rows(cmd.ExecuteReader());
    }

    private static List<object?[]> Rows(System.Data.Common.DbDataReader reader)
    {
        using (reader)
        {
            var rows = new List<object?[]>();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }
                rows.Add(row);
            }
            return rows;
        }
    }

    // A test that wrote a SQLite file on purpose (Storage:Provider=Sqlite, e.g. the migrate tests) keeps reading it.
    private static bool OnPostgres(string databasePath) => TestPostgres.IsProvider && !File.Exists(databasePath);
}
