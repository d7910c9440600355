using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary><see cref="IRunBucketReader"/> on PostgreSQL: <see cref="RunBucketReading"/> over one read snapshot.</summary>
public sealed class PostgresRunBucketReader(NpgsqlDataSource data) : RollupRunBucketReader(() => new PostgresRollupSnapshot(data));
