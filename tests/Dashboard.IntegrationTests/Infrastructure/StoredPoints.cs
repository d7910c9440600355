using Microsoft.Data.Sqlite;

namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>Reads what is really in the SQLite file, through a separate read-only connection.</summary>
public static class StoredPoints
{
    public sealed record Row(string Name, long Timestamp, double Value, string? ModelName, string? Metadata);

    public static List<Row> Read(string databasePath, string run)
    {
        using var c = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT n.name, p.ts, p.value, p.model_name, p.metadata
            FROM points p JOIN metric_names n ON n.id = p.metric_id JOIN runs r ON r.id = p.run_id
            WHERE r.name = $run ORDER BY p.rowid
            """;
        cmd.Parameters.AddWithValue("$run", run);
        using var r = cmd.ExecuteReader();
        var rows = new List<Row>();
        while (r.Read())
        {
            rows.Add(new Row(r.GetString(0), r.GetInt64(1), r.GetDouble(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4)));
        }
        return rows;
    }

    public static long Count(string databasePath, string sql)
    {
        using var c = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return (long)cmd.ExecuteScalar()!;
    }
}
