namespace Dashboard.Storage.Sqlite;

/// <summary>The notification groups in SQLite: the shared statements over this provider's connections.</summary>
public sealed class SqliteNotificationGroupStore(SqliteConnectionFactory connections) : SqlNotificationGroupStore(new SqliteSqlConnections(connections));
