using Dashboard.Storage.Rollups;

namespace Dashboard.Storage.Sqlite;

/// <summary><see cref="IRunBucketReader"/> on SQLite: <see cref="RunBucketReading"/> over one read transaction.</summary>
public sealed class SqliteRunBucketReader(SqliteConnectionFactory connections) : RollupRunBucketReader(() => new SqliteRollupSnapshot(connections));
