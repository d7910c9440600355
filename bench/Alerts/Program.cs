// Times one alert evaluation over N active runs against every built-in rule (bench/README.md, "Alerts").
// Usage: dotnet run -c Release --project bench/Alerts -- [runs=1000] [points-per-metric=20] [iterations=10]
using System.Diagnostics;
using System.Globalization;
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

var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var perMetric = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var iterations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10;
var directory = Path.Combine(Path.GetTempPath(), "dashboard-alerts-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["ConnectionStrings:Dashboard"] = $"Data Source={Path.Combine(directory, "bench.db")}",
}).Build();
var services = new ServiceCollection();
services.AddSingleton<IConfiguration>(config);
services.AddSingleton(Options.Create(new StorageOptions()));
services.AddSingleton(Options.Create(new AlertsOptions()));
services.AddSingleton<SqliteConnectionFactory>();
services.AddDbContextFactory<DashboardDbContext>((sp, o) => o.UseSqlite(sp.GetRequiredService<SqliteConnectionFactory>().ConnectionString));
services.AddSingleton(TimeProvider.System);
services.AddSingleton<IAlertSink, NullSink>();
services.AddEfStores();
services.AddSingleton<IAlertConditionReader, SqliteAlertConditionReader>();
services.AddSingleton<AlertSettingsStore>();
services.AddSingleton<AlertQueries>();
services.AddSingleton<AlertStore>();
services.AddSingleton<SilenceStore>();
services.AddSingleton<IBudgetSource, NoBudgetSource>();
services.AddSingleton<AlertEvaluator>();
services.AddLogging();
await using var provider = services.BuildServiceProvider();
var connections = provider.GetRequiredService<SqliteConnectionFactory>();
new SchemaMigrator(connections, Microsoft.Extensions.Options.Options.Create(new StorageOptions()), NullLogger<SchemaMigrator>.Instance).Migrate();

// Every built-in rule on: long conversations too, and a baseline for the pipeline rules.
var settings = provider.GetRequiredService<AlertSettingsStore>();
var s = await settings.GetAsync();
s.Rules[BuiltInRules.LongConversations].Enabled = true;
s.Baselines.Add(new PipelineBaseline { Pipeline = "etl", Seconds = 1 });
if ((await settings.SaveAsync(s)).Count > 0)
{
    throw new InvalidOperationException("bench settings invalid");
}

var seed = Stopwatch.StartNew();
var points = Seed(connections, runs, perMetric);
Console.WriteLine($"seeded {runs} runs, {points:N0} points in {seed.Elapsed.TotalSeconds:F1} s");

var queries = provider.GetRequiredService<AlertQueries>();
var evaluator = provider.GetRequiredService<AlertEvaluator>();
var first = Stopwatch.StartNew();
var changes = await evaluator.EvaluateAsync();
first.Stop();
Console.WriteLine($"first evaluation (inserts {changes.Count:N0} firing alerts): {first.Elapsed.TotalMilliseconds:F0} ms");

var collect = new List<double>();
var evaluate = new List<double>();
for (var i = 0; i < iterations; i++)
{
    var sw = Stopwatch.StartNew();
    var conditions = queries.Collect(s, Timestamps.ToMicros(DateTimeOffset.UtcNow));
    collect.Add(sw.Elapsed.TotalMilliseconds);
    sw.Restart();
    await evaluator.EvaluateAsync();
    evaluate.Add(sw.Elapsed.TotalMilliseconds);
    if (i == 0)
    {
        Console.WriteLine($"conditions per evaluation: {conditions.Count:N0}");
    }
}
Console.WriteLine($"queries only (AlertQueries.Collect): median {Median(collect):F0} ms, min {collect.Min():F0} ms");
Console.WriteLine($"steady-state evaluation (queries + state update, alerts already firing): median {Median(evaluate):F0} ms, min {evaluate.Min():F0} ms");
SqliteConnection.ClearAllPools();
if (Environment.GetEnvironmentVariable("BENCH_KEEP") is null)
{
    Directory.Delete(directory, recursive: true);
}
else
{
    Console.WriteLine($"kept {directory}");
}

static double Median(List<double> values)
{
    var sorted = values.OrderBy(v => v).ToList();
    return sorted[sorted.Count / 2];
}

// Each run: every generation and prediction metric plus pipeline points, all inside the 5-minute window;
// half the runs breach their rules so the evaluator has firing alerts to keep. Written through the dashboard's writer,
// so the rollups the evaluator reads are there as ingest leaves them.
static long Seed(SqliteConnectionFactory connections, int runs, int perMetric)
{
    string[] metrics =
    [
        "success_rate", "generation_time", "prompt_token_count", "completion_token_count", "total_token_count",
        "conversation_length", "prediction_processing_time", "prediction_confidence", "prediction_error",
        "pipeline_execution_time", "pipeline_success",
    ];
    var now = Timestamps.ToMicros(DateTimeOffset.UtcNow);
    var random = new Random(42);
    using var writer = new SqlitePointWriter(connections, TimeProvider.System);
    long count = 0;
    for (var r = 1; r <= runs; r++)
    {
        var bad = r % 2 == 0;
        var events = new List<ExpandedEvent>();
        for (var i = 0; i < perMetric; i++)
        {
            var ts = now - (perMetric - i) * 1_000_000L;
            var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "metric" };
            foreach (var metric in metrics)
            {
                double value = metric switch
                {
                    "success_rate" or "pipeline_success" => bad && i % 2 == 0 ? 0 : 1,
                    "generation_time" => bad ? 40 : 2,
                    "prompt_token_count" or "completion_token_count" => bad ? 5000 : 500,
                    "total_token_count" => bad ? 10000 : 1000,
                    "conversation_length" => bad ? 1 : 6,
                    "prediction_processing_time" => bad ? 6 : 0.1,
                    "prediction_confidence" => bad ? 0.4 : 0.95,
                    "pipeline_execution_time" => bad ? 2 : 0.9,
                    _ => random.NextDouble(),
                };
                var metadata = metric.StartsWith("pipeline", StringComparison.Ordinal) ? """{"pipeline":"etl"}"""
                    : metric == "prediction_confidence" ? $$"""{"label":"l{{i % 3}}"}""" : null;
                e.Points.Add(new MetricPoint(metric, ts, value, null, metadata));
                count++;
            }
            events.Add(e);
        }
        writer.Write([new PendingWrite($"run-{r}", "bench", events, 0)]);
    }
    return count;
}

internal sealed class NullSink : IAlertSink
{
    public ValueTask OnAlertChangedAsync(AlertChange change) => ValueTask.CompletedTask;
}
