using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Ingest;
using Dashboard.Persistence;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>
/// A SQLite file and a fresh PostgreSQL database given the same writes through their own writers, so a test can ask
/// both providers' readers the same question and require the same answer.
/// </summary>
public sealed class ProviderPair : IDisposable
{
    private readonly SqlitePointWriter _sqliteWriter;
    private readonly PostgresPointWriter _postgresWriter;
    private readonly SteppedTime _time = new();

    public ProviderPair()
    {
        var path = TempFiles.NewDatabasePath();
        var config = new ConfigurationBuilder().AddInMemoryCollection([new("ConnectionStrings:Dashboard", $"Data Source={path}")]).Build();
        Sqlite = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
        new SchemaMigrator(Sqlite, Options.Create(new StorageOptions()), NullLogger<SchemaMigrator>.Instance).Migrate();
        _sqliteWriter = new SqlitePointWriter(Sqlite, _time);
        Postgres = NpgsqlDataSource.Create(TestPostgres.NewDatabase());
        new PostgresSchemaMigrator(Postgres, NullLogger<PostgresSchemaMigrator>.Instance).Migrate();
        _postgresWriter = new PostgresPointWriter(Postgres, new PostgresPartitions(), _time);
    }

    public SqliteConnectionFactory Sqlite { get; }

    public SqlitePointWriter SqliteWriter => _sqliteWriter;

    public PostgresPointWriter PostgresWriter => _postgresWriter;

    public NpgsqlDataSource Postgres { get; }

    /// <summary>Writes the batch to both; the outcomes must agree too.</summary>
    public void Write(params PendingWrite[] writes)
    {
        _time.Step();
        var (a, _) = _sqliteWriter.Write(writes);
        var (b, _) = _postgresWriter.Write(Copy(writes));
        b.Should().Equal(a, "both writers report the same outcome");
    }

    public static PendingWrite Write(string run, params ExpandedEvent[] events) => new(run, "default", events, 0);

    public static PendingWrite Write(string run, string project, params ExpandedEvent[] events) => new(run, project, events, 0);

    public static ExpandedEvent Event(string? id, long ts, params (string Name, double Value, string? Model, string? Metadata)[] points)
    {
        var e = new ExpandedEvent { Id = id, Timestamp = ts, Type = "metric" };
        e.Points.AddRange(points.Select(p => new MetricPoint(p.Name, ts, p.Value, p.Model, p.Metadata)));
        return e;
    }

    // A PendingWrite completes once; each writer gets its own.
    private static PendingWrite[] Copy(PendingWrite[] writes) =>
        [.. writes.Select(w => new PendingWrite(w.Run, w.Project, w.Events, w.ReceivedAt))];

    /// <summary>Receive times the same for both writers, one millisecond apart per batch, ending just before now.</summary>
    private sealed class SteppedTime : TimeProvider
    {
        private DateTimeOffset _now = DateTimeOffset.UtcNow.AddMinutes(-5);

        public void Step() => _now = _now.AddMilliseconds(1);

        public override DateTimeOffset GetUtcNow() => _now;
    }

    public void Dispose()
    {
        _sqliteWriter.Dispose();
        _postgresWriter.Dispose();
        Postgres.Dispose();
    }
}
