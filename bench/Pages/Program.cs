using System.Diagnostics;
using Dashboard.Runs;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

// Server-side data of one run page (RunPageBuilder.Build) for a run of 1,000,000 points, range "all".
// Usage: dotnet run -c Release --project bench/Pages [points]
var total = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
var path = Path.Combine(Path.GetTempPath(), $"dashboard-bench-pages-{Guid.NewGuid():N}.db");
var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = $"Data Source={path}" }).Build();
var connections = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
var points = new SqliteMetricReader(connections);
string[] metrics = ["generation_time", "success_rate", "model_usage:meta-llama/Llama-3.1-8B", "finish_reason:stop",
    "prompt_token_count", "completion_token_count", "total_token_count", "conversation_length"];

var fill = Stopwatch.StartNew();
using (var c = connections.Open())
{
    SchemaMigrator.RegisterFunctions(c);
    foreach (var (_, sql) in SchemaMigrations.Steps)
    {
        using var step = c.CreateCommand();
        step.CommandText = sql;
        step.ExecuteNonQuery();
    }
    using var tx = c.BeginTransaction();
    Exec(c, "INSERT INTO runs(id, name, project, created_at, last_received_at) VALUES (1, 'bench:run', 'bench', 0, 0)");
    for (var m = 0; m < metrics.Length; m++)
    {
        Exec(c, $"INSERT INTO metric_names(id, name) VALUES ({m + 1}, '{metrics[m]}')");
    }
    using var insert = c.CreateCommand();
    insert.CommandText = "INSERT INTO points(run_id, metric_id, ts, value, model_name) VALUES (1, $m, $ts, $v, $model)";
    var pm = insert.Parameters.Add("$m", SqliteType.Integer);
    var pts = insert.Parameters.Add("$ts", SqliteType.Integer);
    var pv = insert.Parameters.Add("$v", SqliteType.Real);
    var pmodel = insert.Parameters.Add("$model", SqliteType.Text);
    insert.Prepare();
    var random = new Random(7);
    var start = 1_795_000_000_000_000L;
    for (var i = 0; i < total; i++)
    {
        var generation = i / metrics.Length;
        var m = i % metrics.Length;
        pm.Value = m + 1;
        pts.Value = start + generation * 100_000L;
        pv.Value = m switch
        {
            0 => random.NextDouble() * 10,
            1 => random.NextDouble() < 0.93 ? 1 : 0,
            4 => random.Next(100, 900),
            5 => random.Next(10, 200),
            6 => 500,
            7 => random.Next(1, 12),
            _ => 1,
        };
        pmodel.Value = m is >= 4 and <= 6 ? "meta-llama/Llama-3.1-8B" : DBNull.Value;
        insert.ExecuteNonQuery();
    }
    Exec(c, """
        INSERT INTO run_metrics SELECT run_id, metric_id, COUNT(*), SUM(value), MIN(value), MAX(value), 0, MAX(ts)
        FROM points GROUP BY run_id, metric_id
        """);
    Exec(c, "UPDATE runs SET first_ts = (SELECT MIN(ts) FROM points), last_ts = (SELECT MAX(ts) FROM points)");
    tx.Commit();
}
Console.WriteLine($"inserted {total:N0} points in {fill.ElapsedMilliseconds} ms");

var builder = new RunPageBuilder(new SqliteRunPointReader(connections), points);
var all = new RunRange("all", long.MinValue, long.MaxValue, null, null);
builder.Build("bench:run", all);
var times = new List<double>();
for (var i = 0; i < 5; i++)
{
    var sw = Stopwatch.StartNew();
    var data = builder.Build("bench:run", all)!;
    times.Add(sw.Elapsed.TotalMilliseconds);
    if (i == 0)
    {
        Console.WriteLine($"generations {data.Generations.Count:N0}, success line {data.SuccessSeries[0].Points.Count} points, token lines {data.TokenSeries.Count}");
    }
}
times.Sort();
Console.WriteLine($"RunPageBuilder.Build, range all, {total:N0} points: median {times[2]:F0} ms, min {times[0]:F0} ms, max {times[^1]:F0} ms (5 runs after 1 warm-up)");
SqliteConnection.ClearAllPools();
File.Delete(path);

static void Exec(SqliteConnection c, string sql)
{
    using var cmd = c.CreateCommand();
    cmd.CommandText = sql;
    cmd.ExecuteNonQuery();
}
