using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>Alert evaluation's reads in PostgreSQL; the statements are <see cref="SqlAlertConditionReader"/>'s.</summary>
public sealed class PostgresAlertConditionReader(NpgsqlDataSource dataSource) : SqlAlertConditionReader(new PostgresSqlConnections(dataSource));
