using Dashboard.Alerts;
using Dashboard.Ingest;
using Dashboard.Storage;
using Dashboard.Storage.Ef;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Alerts;

/// <summary>A migrated SQLite file, the alert classes wired over it, a fake clock and a recording sink.</summary>
public sealed class AlertTestDb : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _directory;
    private readonly SqlitePointWriter _writer;

    /// <param name="lifecycleDefaults">
    /// false (the threshold tests): every rule judges from one sample and resolves at once, so a test of a rule's
    /// arithmetic need not post 20 generations; true: the shipped min_samples and keep_firing_for.
    /// </param>
    public AlertTestDb(int maxAlertsPerRun = 1000, bool lifecycleDefaults = false)
    {
        _directory = Path.Combine(Path.GetTempPath(), "dashboard-alert-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = $"Data Source={Path.Combine(_directory, "t.db")}",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(config);
        services.AddSingleton(Options.Create(new StorageOptions()));
        services.AddSingleton(Options.Create(new AlertsOptions { IntervalSeconds = 1, MaxAlertsPerRun = maxAlertsPerRun }));
        services.AddSingleton<SqliteConnectionFactory>();
        services.AddDbContextFactory<DashboardDbContext>((sp, o) => o.UseSqlite(sp.GetRequiredService<SqliteConnectionFactory>().ConnectionString));
        services.AddSingleton<TimeProvider>(Clock);
        services.AddSingleton<IAlertSink>(Sink);
        services.AddEfStores();
        services.AddSingleton<IAlertConditionReader, SqliteAlertConditionReader>();
        services.AddSingleton<AlertSettingsStore>();
        services.AddSingleton<AlertQueries>();
        services.AddSingleton<AlertStore>();
        services.AddSingleton<SilenceStore>();
        services.AddSingleton<IBudgetSource>(Budgets);
        services.AddSingleton<AlertEvaluator>();
        services.AddLogging();
        _services = services.BuildServiceProvider();
        Connections = _services.GetRequiredService<SqliteConnectionFactory>();
        new SchemaMigrator(Connections, Microsoft.Extensions.Options.Options.Create(new StorageOptions()), NullLogger<SchemaMigrator>.Instance).Migrate();
        _writer = new SqlitePointWriter(Connections, Clock);
        if (!lifecycleDefaults)
        {
            EditSettingsAsync(s =>
            {
                foreach (var (key, rule) in s.Rules)
                {
                    rule.MinSamples = key == BuiltInRules.PipelineErrorRate ? rule.MinSamples : 1;
                    rule.KeepFiringForSeconds = 0;
                }
                // Only the lifecycle tests look at liveness.
                s.Rules[BuiltInRules.RunStalled].Enabled = false;
            }).GetAwaiter().GetResult();
        }
    }

    public SilenceStore Silences => _services.GetRequiredService<SilenceStore>();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));

    public RecordingSink Sink { get; } = new();

    public FakeBudgetSource Budgets { get; } = new();

    public SqliteConnectionFactory Connections { get; }

    public IServiceProvider Services => _services;

    public AlertEvaluator Evaluator => _services.GetRequiredService<AlertEvaluator>();

    public AlertSettingsStore Settings => _services.GetRequiredService<AlertSettingsStore>();

    public AlertStore Store => _services.GetRequiredService<AlertStore>();

    public Task<List<AlertChange>> EvaluateAsync() => Evaluator.EvaluateAsync();

    public async Task EditSettingsAsync(Action<AlertSettings> edit)
    {
        var s = await Settings.GetAsync();
        edit(s);
        var errors = await Settings.SaveAsync(s);
        errors.Should().BeEmpty();
    }

    /// <summary>Stores points of one metric at the clock's current time through the writer (points and rollups in one
    /// transaction: the evaluator reads whole seconds of its window from the rollups).</summary>
    public void AddPoints(string run, string metric, IEnumerable<double> values, string? metadata = null, string project = "default")
    {
        var ts = Timestamps.ToMicros(Clock.GetUtcNow());
        var events = values.Select(v =>
        {
            var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "metric" };
            e.Points.Add(new MetricPoint(metric, ts, v, null, metadata));
            return e;
        }).ToList();
        _writer.Write([new PendingWrite(run, project, events, 0)]);
    }

    public List<(string Rule, string? Run, string State, string Severity)> Alerts()
    {
        using var c = Connections.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT rule, run, state, severity FROM alerts ORDER BY id";
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string?, string, string)>();
        while (r.Read())
        {
            list.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetString(2), r.GetString(3)));
        }
        return list;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _services.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Spend and goals as the Costs feature would report them; tests set them directly.</summary>
public sealed class FakeBudgetSource : IBudgetSource
{
    public List<BudgetSpend> Spend { get; } = [];

    public List<BudgetGoal> Goals { get; } = [];

    public (long From, long To)? LastWindow { get; private set; }

    public Task<IReadOnlyList<BudgetSpend>> GetSpendAsync(long fromMicros, long toMicros, CancellationToken ct)
    {
        LastWindow = (fromMicros, toMicros);
        return Task.FromResult<IReadOnlyList<BudgetSpend>>(Spend.ToList());
    }

    public Task<IReadOnlyList<BudgetGoal>> GetGoalsAsync(long sinceMicros, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<BudgetGoal>>(Goals.ToList());
}

public sealed class RecordingSink : IAlertSink
{
    public List<AlertChange> Changes { get; } = [];

    public ValueTask OnAlertChangedAsync(AlertChange change)
    {
        lock (Changes)
        {
            Changes.Add(change);
        }
        return ValueTask.CompletedTask;
    }
}
