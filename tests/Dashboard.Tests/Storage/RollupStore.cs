using Dashboard.Ingest;
using Dashboard.Persistence;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Storage;

/// <summary>A migrated SQLite file written through the real writer (points and rollups in one transaction).</summary>
public sealed class RollupStore : IDisposable
{
    private readonly string _directory;

    public RollupStore()
    {
        _directory = Path.Combine(Path.GetTempPath(), "dashboard-rollup-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = $"Data Source={Path.Combine(_directory, "t.db")}",
        }).Build();
        Connections = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
        new SchemaMigrator(Connections, Options.Create(new StorageOptions()), NullLogger<SchemaMigrator>.Instance).Migrate();
        Writer = new SqlitePointWriter(Connections, TimeProvider.System);
        Points = new SqliteMetricReader(Connections);
    }

    public SqliteConnectionFactory Connections { get; }
    public SqlitePointWriter Writer { get; }
    public SqliteMetricReader Points { get; }

    /// <summary>Writes one event per point, in batches as the writer would receive them.</summary>
    public void Write(string run, IEnumerable<(string Name, long Ts, double Value, string? Model)> points, int batch = 5_000)
    {
        foreach (var chunk in points.Chunk(batch))
        {
            var events = chunk.Select(p =>
            {
                var e = new ExpandedEvent { Id = null, Timestamp = p.Ts, Type = "metric" };
                e.Points.Add(new MetricPoint(p.Name, p.Ts, p.Value, p.Model, null));
                return e;
            }).ToList();
            Writer.Write([new PendingWrite(run, "default", events, 0)]);
        }
    }

    /// <summary>Writes whole events (several points each), in batches as the writer would receive them.</summary>
    public void WriteEvents(string run, IEnumerable<ExpandedEvent> events, int batch = 2_000)
    {
        foreach (var chunk in events.Chunk(batch))
        {
            Writer.Write([new PendingWrite(run, "default", [.. chunk], 0)]);
        }
    }

    public long Scalar(string sql)
    {
        using var c = Connections.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        Writer.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, true);
        }
        catch (IOException)
        {
            // A pooled handle may linger on some platforms; the temp folder is cleaned by the OS.
        }
    }
}
