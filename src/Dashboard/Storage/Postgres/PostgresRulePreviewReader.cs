using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The rule preview's reads on PostgreSQL (names in byte order, as SQLite sorts them); the statements are <see cref="SqlRulePreviewReader"/>'s.</summary>
public sealed class PostgresRulePreviewReader(NpgsqlDataSource data) : SqlRulePreviewReader(new PostgresSqlConnections(data));
