using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The prediction summary's reads on PostgreSQL; the statements are <see cref="SqlPredictionReader"/>'s.</summary>
public sealed class PostgresPredictionReader(NpgsqlDataSource data, int exactLimit = SummaryReading.ExactLimit)
    : SqlPredictionReader(new PostgresSqlConnections(data), exactLimit);
