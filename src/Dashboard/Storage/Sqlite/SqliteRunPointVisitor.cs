namespace Dashboard.Storage.Sqlite;

/// <summary>The run page's point visits in SQLite; the statement is <see cref="SqlRunPointVisitor"/>'s.</summary>
public sealed class SqliteRunPointVisitor(SqliteConnectionFactory connections) : SqlRunPointVisitor(new SqliteSqlConnections(connections));
