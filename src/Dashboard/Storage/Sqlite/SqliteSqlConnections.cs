using System.Data.Common;

namespace Dashboard.Storage.Sqlite;

/// <summary>SQLite's half of the shared stores: pooled connections, parameters bound by the names "$1", "$2", ...</summary>
public sealed class SqliteSqlConnections(SqliteConnectionFactory connections) : SqlConnections
{
    private static readonly SqlDialect SqliteDialect = new(
        Arrival: "rowid", RunsThenPoints: "CROSS JOIN", ByteOrder: "",
        JsonValue: (column, key) => $"json_extract({column}, '$.{key}')",
        JsonText: (column, key) => $"CAST(json_extract({column}, '$.{key}') AS TEXT)",
        SameJson: (a, b, key) => $"json_extract({a}, '$.{key}') IS json_extract({b}, '$.{key}')");

    public override SqlDialect Dialect => SqliteDialect;

    public override DbConnection Open() => connections.Open();

    public override DbTransaction BeginSnapshot(DbConnection connection) =>
        ((Microsoft.Data.Sqlite.SqliteConnection)connection).BeginTransaction(deferred: true);

    public override DbCommand Command(DbConnection connection, string sql, params object?[] values)
    {
        var cmd = (Microsoft.Data.Sqlite.SqliteCommand)connection.CreateCommand();
        cmd.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            cmd.Parameters.AddWithValue("$" + (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), values[i] ?? DBNull.Value);
        }
        return cmd;
    }
}
