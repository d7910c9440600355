namespace Dashboard.Storage.Sqlite;

/// <summary>The pipelines page's detail reads in SQLite; the statements are <see cref="SqlPipelineDetailReader"/>'s.</summary>
public sealed class SqlitePipelineDetailReader(SqliteConnectionFactory connections) : SqlPipelineDetailReader(new SqliteSqlConnections(connections));
