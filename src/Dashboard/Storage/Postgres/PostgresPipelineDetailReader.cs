using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The pipelines page's detail reads in PostgreSQL; the statements are <see cref="SqlPipelineDetailReader"/>'s.</summary>
public sealed class PostgresPipelineDetailReader(NpgsqlDataSource data) : SqlPipelineDetailReader(new PostgresSqlConnections(data));
