namespace Dashboard.Storage.Sqlite;

/// <summary>The rule preview's reads on SQLite; the statements are <see cref="SqlRulePreviewReader"/>'s.</summary>
public sealed class SqliteRulePreviewReader(SqliteConnectionFactory connections) : SqlRulePreviewReader(new SqliteSqlConnections(connections));
