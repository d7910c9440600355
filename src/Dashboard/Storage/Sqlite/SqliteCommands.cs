using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>The one way the SQLite provider builds a parameterized command.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Command(SqliteConnection c, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters)
        {
            cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        }
        return cmd;
    }
}
