namespace Dashboard.Storage.Sqlite;

/// <summary>SQLite's runs list (see <see cref="SqlRunListReader"/>): its LIKE already ignores ASCII case.</summary>
public sealed class SqliteRunListReader(SqliteConnectionFactory connections)
    : SqlRunListReader(new SqliteSqlConnections(connections), "LIKE");
