using System.Data.Common;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// PostgreSQL's half of the shared stores: the data source's pool, positional parameters. A null is sent untyped, so a
/// statement that tests one for NULL says its type (<c>CAST($3 AS TEXT) IS NULL</c>).
/// </summary>
public sealed class PostgresSqlConnections(NpgsqlDataSource dataSource) : SqlConnections
{
    private static readonly SqlDialect PostgresDialect = new(
        Arrival: "seq", RunsThenPoints: "JOIN", ByteOrder: " COLLATE \"C\"",
        JsonValue: (column, key) => $"({column}::jsonb ->> '{key}')",
        JsonText: (column, key) => $"({column}::jsonb ->> '{key}')",
        SameJson: (a, b, key) => $"({a}::jsonb -> '{key}') IS NOT DISTINCT FROM ({b}::jsonb -> '{key}')");

    public override SqlDialect Dialect => PostgresDialect;

    public override DbConnection Open() => dataSource.OpenConnection();

    public override DbTransaction BeginSnapshot(DbConnection connection) =>
        ((NpgsqlConnection)connection).BeginTransaction(System.Data.IsolationLevel.RepeatableRead);

    public override DbCommand Command(DbConnection connection, string sql, params object?[] values) =>
        PostgresCommands.Command((NpgsqlConnection)connection, sql, values);
}
