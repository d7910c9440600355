namespace Dashboard.Storage.Sqlite;

/// <summary>API keys and sessions in SQLite (schema steps 3 and 9); the statements are <see cref="SqlKeyStore"/>'s.</summary>
public sealed class SqliteKeyStore(SqliteConnectionFactory connections) : SqlKeyStore(new SqliteSqlConnections(connections));
