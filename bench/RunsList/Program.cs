using System.Diagnostics;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

// The runs list's storage read (one page of 25, any sort, filters) over a store of N runs of mixed kinds.
// Usage: dotnet run -c Release --project bench/RunsList [runs=10000]
var total = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
var path = Path.Combine(Path.GetTempPath(), $"dashboard-bench-runslist-{Guid.NewGuid():N}.db");
var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = $"Data Source={path}" }).Build();
var connections = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
string[] metrics = ["success_rate", "generation_time", "total_token_count", "prompt_token_count", "completion_token_count",
    "evaluation_time", "prediction_confidence", "prediction_error", "pipeline_success", "pipeline_execution_time"];

using (var c = connections.Open())
{
    foreach (var (_, sql) in SchemaMigrations.Steps)
    {
        Exec(c, sql);
    }
    using var tx = c.BeginTransaction();
    for (var m = 0; m < metrics.Length; m++)
    {
        Exec(c, $"INSERT INTO metric_names(id, name) VALUES ({m + 1}, '{metrics[m]}')");
    }
    var random = new Random(7);
    var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
    using var run = c.CreateCommand();
    run.CommandText = "INSERT INTO runs(id, name, project, created_at, first_ts, last_ts, last_received_at, event_count) VALUES ($id, $name, $p, 0, $f, $l, $l, $n)";
    using var rm = c.CreateCommand();
    rm.CommandText = "INSERT INTO run_metrics(run_id, metric_id, count, sum, min, max, last_value, last_ts) VALUES ($r, $m, $c, $s, 0, 1, 0, $t)";
    for (var i = 1; i <= total; i++)
    {
        var last = now - random.NextInt64(0, 30L * 86_400_000_000);
        var count = random.Next(1, 100_000);
        run.Parameters.Clear();
        run.Parameters.AddWithValue("$id", i);
        run.Parameters.AddWithValue("$name", $"run-{i:00000}");
        run.Parameters.AddWithValue("$p", $"project-{i % 20}");
        run.Parameters.AddWithValue("$f", last - random.NextInt64(1, 86_400_000_000));
        run.Parameters.AddWithValue("$l", last);
        run.Parameters.AddWithValue("$n", count);
        run.ExecuteNonQuery();
        // A third each: generation runs (5 metrics + evaluations), classifier runs, pipeline runs.
        var kind = i % 3;
        int[] ids = kind == 0 ? [1, 2, 3, 4, 5, 6] : kind == 1 ? [7, 8] : [9, 10];
        foreach (var m in ids)
        {
            rm.Parameters.Clear();
            rm.Parameters.AddWithValue("$r", i);
            rm.Parameters.AddWithValue("$m", m);
            rm.Parameters.AddWithValue("$c", count);
            rm.Parameters.AddWithValue("$s", count * random.NextDouble());
            rm.Parameters.AddWithValue("$t", last);
            rm.ExecuteNonQuery();
        }
    }
    tx.Commit();
}

var reader = new SqliteRunListReader(connections);
Console.WriteLine($"{total:N0} runs; one page of 25 per query; median and max of 20 runs each (ms)");
foreach (var (label, query) in new (string, RunListQuery)[]
{
    ("last activity (default)", new RunListQuery()),
    ("sort by name", new RunListQuery(Sort: RunListSort.Name, Descending: false)),
    ("sort by tokens", new RunListQuery(Sort: RunListSort.Tokens)),
    ("sort by confidence", new RunListQuery(Sort: RunListSort.Confidence)),
    ("sort by failures", new RunListQuery(Sort: RunListSort.ExecutionFailures)),
    ("kind = pipelines", new RunListQuery(Kind: RunKinds.Pipelines)),
    ("project filter", new RunListQuery(Project: "project-3")),
    ("search 'run-09'", new RunListQuery(Search: "run-09")),
    ("last page", new RunListQuery(Offset: total - 25)),
})
{
    var times = new List<double>();
    for (var k = 0; k < 20; k++)
    {
        var sw = Stopwatch.StartNew();
        var page = await reader.GetRunListAsync(query, DateTimeOffset.UtcNow, default);
        times.Add(sw.Elapsed.TotalMilliseconds);
        if (page.Rows.Count == 0)
        {
            throw new InvalidOperationException(label + " returned no rows");
        }
    }
    times.Sort();
    Console.WriteLine($"{label,-26} median {times[times.Count / 2],7:0.0}  max {times[^1],7:0.0}");
}
SqliteConnection.ClearAllPools();
File.Delete(path);

static void Exec(SqliteConnection c, string sql)
{
    using var cmd = c.CreateCommand();
    cmd.CommandText = sql;
    cmd.ExecuteNonQuery();
}
