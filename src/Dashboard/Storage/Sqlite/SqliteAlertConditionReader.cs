namespace Dashboard.Storage.Sqlite;

/// <summary>Alert evaluation's reads in SQLite; the statements are <see cref="SqlAlertConditionReader"/>'s.</summary>
public sealed class SqliteAlertConditionReader(SqliteConnectionFactory connections) : SqlAlertConditionReader(new SqliteSqlConnections(connections));
