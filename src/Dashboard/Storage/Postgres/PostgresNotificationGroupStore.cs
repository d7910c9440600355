using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The notification groups in PostgreSQL: the shared statements over this provider's connections.</summary>
public sealed class PostgresNotificationGroupStore(NpgsqlDataSource dataSource) : SqlNotificationGroupStore(new PostgresSqlConnections(dataSource));
