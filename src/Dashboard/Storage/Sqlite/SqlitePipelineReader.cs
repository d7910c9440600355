using Dashboard.Storage.Rollups;

namespace Dashboard.Storage.Sqlite;

/// <summary>The pipeline sums on SQLite; the statements are <see cref="SqlPipelineReader"/>'s.</summary>
public sealed class SqlitePipelineReader(SqliteConnectionFactory connections, int exactLimit = SummaryReading.ExactLimit)
    : SqlPipelineReader(new SqliteSqlConnections(connections), exactLimit);
