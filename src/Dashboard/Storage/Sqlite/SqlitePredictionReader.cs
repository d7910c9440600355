using Dashboard.Storage.Rollups;

namespace Dashboard.Storage.Sqlite;

/// <summary>The prediction summary's reads on SQLite; the statements are <see cref="SqlPredictionReader"/>'s.</summary>
public sealed class SqlitePredictionReader(SqliteConnectionFactory connections, int exactLimit = SummaryReading.ExactLimit)
    : SqlPredictionReader(new SqliteSqlConnections(connections), exactLimit);
