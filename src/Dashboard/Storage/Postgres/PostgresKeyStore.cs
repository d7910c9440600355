using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>API keys and sessions in PostgreSQL, shared by every instance; the statements are <see cref="SqlKeyStore"/>'s.</summary>
public sealed class PostgresKeyStore(NpgsqlDataSource dataSource) : SqlKeyStore(new PostgresSqlConnections(dataSource));
