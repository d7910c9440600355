using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The pipeline sums on PostgreSQL; the statements are <see cref="SqlPipelineReader"/>'s.</summary>
public sealed class PostgresPipelineReader(NpgsqlDataSource data, int exactLimit = SummaryReading.ExactLimit)
    : SqlPipelineReader(new PostgresSqlConnections(data), exactLimit);
