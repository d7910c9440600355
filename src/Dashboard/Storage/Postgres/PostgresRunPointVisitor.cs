using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The run page's point visits in PostgreSQL; the statement is <see cref="SqlRunPointVisitor"/>'s.</summary>
public sealed class PostgresRunPointVisitor(NpgsqlDataSource data) : SqlRunPointVisitor(new PostgresSqlConnections(data));
