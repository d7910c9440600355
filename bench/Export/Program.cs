using System.Diagnostics;
using System.Globalization;
using Dashboard.Export;
using Dashboard.Export.Parquet;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Export benchmark: N points in a real SQLite file, exported by each format from the database (the same
// ExportSource + exporter path the endpoint runs) into a byte-counting sink. Usage: [points] [formats...]
var points = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var formats = args.Length > 1 ? args[1..] : ["parquet", "parquet-none", "csv", "csv-long", "xlsx", "json"];
var path = Path.Combine(Path.GetTempPath(), $"export-bench-{Guid.NewGuid():N}.db");
var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["ConnectionStrings:Dashboard"] = $"Data Source={path}",
}).Build();
var connections = new SqliteConnectionFactory(config, Options.Create(new StorageOptions()));
new SchemaMigrator(connections, Microsoft.Extensions.Options.Options.Create(new StorageOptions()), NullLogger<SchemaMigrator>.Instance).Migrate();
var seed = Stopwatch.StartNew();
var runId = Seed(connections, points);
Console.WriteLine($"Seeded {points:N0} points in {seed.Elapsed.TotalSeconds:F1} s ({new FileInfo(path).Length / 1e6:F0} MB database).");
Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores");
Console.WriteLine($"{"format",-14} {"source",-7} {"rows",10} {"wall s",7} {"rows/s wall",12} {"cpu s",7} {"rows/cpu-s",11} {"out MB",7} {"plan s",7} {"peak anon MB",13}");
// Warm-up (not timed): 30 rounds of every requested format over the first 5,000 points, so the timed runs measure
// tier-1 code (a method is recompiled optimized after 30 calls) as in a server that has served a few exports.
foreach (var format in Enumerable.Repeat(formats, 30).SelectMany(f => f))
{
    var (f, c) = Parse(format);
    using var warm = new ExportSource(new SqliteExportStore(connections).OpenSnapshot());
    var warmPlan = warm.GetPlan(runId, new ExportRequest("bench", f, long.MinValue, 1_790_000_000_000_000L + 5_000_000L, "warm", null, c));
    using var warmReader = new ExportStreamReader(warm, runId, warmPlan, CancellationToken.None);
    Create(format, f, c).Write(warmPlan, warmReader, new CountingStream(), CancellationToken.None);
}
Thread.Sleep(500);
Dictionary<long, List<ExportPoint>>? memory = null;
foreach (var (format, fromMemory) in formats.SelectMany(f => new[] { (f, false), (f, true) }))
{
    if (fromMemory && memory is null)
    {
        using var loader = new ExportSource(new SqliteExportStore(connections).OpenSnapshot());
        var all = loader.GetPlan(runId, new ExportRequest("bench", ExportFormat.Json, long.MinValue, long.MaxValue, "all", null));
        using var reader = new ExportStreamReader(loader, runId, all, CancellationToken.None);
        memory = all.Metrics.ToDictionary(m => m.Id, m => reader.Points(m).Select(p => p with { Metadata = p.Metadata.ToArray() }).ToList());
    }
    var (exporterFormat, codec) = Parse(format);
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    using var process = Process.GetCurrentProcess();
    var baseline = AnonymousBytes();
    var peak = baseline;
    using var sampling = new CancellationTokenSource();
    var sampler = Task.Run(async () =>
    {
        while (!sampling.IsCancellationRequested)
        {
            peak = Math.Max(peak, AnonymousBytes());
            await Task.Delay(10);
        }
    });
    var cpu = process.TotalProcessorTime;
    var watch = Stopwatch.StartNew();
    using var source = new ExportSource(new SqliteExportStore(connections).OpenSnapshot());
    var request = new ExportRequest("bench", exporterFormat, long.MinValue, long.MaxValue, "all", null, codec);
    var plan = source.GetPlan(runId, request);
    var firstPass = watch.Elapsed.TotalSeconds;
    if (fromMemory)
    {
        // Exporter only: the points are already in memory and the first pass is not counted.
        process.Refresh();
        cpu = process.TotalProcessorTime;
        watch.Restart();
    }
    var sink = new CountingStream();
    var exporter = Create(format, exporterFormat, codec);
    using (var reader = fromMemory ? null : new ExportStreamReader(source, runId, plan, CancellationToken.None))
    using (var buffered = new BufferedStream(sink, 64 * 1024))
    {
        exporter.Write(plan, reader ?? (IExportReader)new DelegateExportReader(plan, m => memory![m.Id]), buffered, CancellationToken.None);
    }
    var seconds = watch.Elapsed.TotalSeconds;
    process.Refresh();
    var cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
    sampling.Cancel();
    await sampler;
    Console.WriteLine($"{format,-14} {(fromMemory ? "memory" : "sqlite"),-7} {plan.TotalPoints,10:N0} {seconds,7:F2} {plan.TotalPoints / seconds,12:N0} {cpuSeconds,7:F2} {plan.TotalPoints / cpuSeconds,11:N0} {sink.Length / 1e6,7:F1} {firstPass,7:F2} {(peak - baseline) / 1e6,13:F0}");
}
SqliteConnection.ClearAllPools();
File.Delete(path);

static (ExportFormat Format, ParquetCodec Codec) Parse(string format) => format switch
{
    "parquet-none" => (ExportFormat.Parquet, ParquetCodec.Uncompressed),
    "read" => (ExportFormat.Json, ParquetCodec.Gzip),
    "read-table" => (ExportFormat.Parquet, ParquetCodec.Gzip),
    _ => (Enum.Parse<ExportFormat>(format.Replace("-", ""), ignoreCase: true), ParquetCodec.Gzip),
};

static IExporter Create(string format, ExportFormat exporterFormat, ParquetCodec codec) =>
    format.StartsWith("read", StringComparison.Ordinal) ? new ReadOnlyExporter() : exporterFormat switch
    {
        ExportFormat.Json => new JsonExporter(),
        ExportFormat.Csv => new CsvExporter(@long: false),
        ExportFormat.CsvLong => new CsvExporter(@long: true),
        ExportFormat.Xlsx => new XlsxExporter(),
        _ => new ParquetExporter(codec),
    };

// Anonymous resident memory (heap, stacks, SQLite's own allocations) from /proc/self/status: unlike the working set it
// leaves out file pages, i.e. the database pages SQLite maps with mmap_size, which are the shared page cache.
static long AnonymousBytes()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
        {
            return long.Parse(line.AsSpan(8).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024;
        }
    }
    return 0;
}

static long Seed(SqliteConnectionFactory connections, int points)
{
    using var c = connections.Open();
    using var tx = c.BeginTransaction();
    Exec(c, tx, "INSERT INTO runs(id, name, project, created_at, last_received_at) VALUES (1, 'bench', 'default', 0, 0)");
    string[] metrics = ["generation_time", "success_rate", "prompt_token_count", "completion_token_count", "total_token_count",
        "evaluation_score_overall", "evaluation_score_grounding", "model_usage:gpt-4o-mini", "prediction_confidence", "conversation_length"];
    for (var m = 0; m < metrics.Length; m++)
    {
        Exec(c, tx, $"INSERT INTO metric_names(id, name) VALUES ({m + 1}, '{metrics[m]}')");
        Exec(c, tx, $"INSERT INTO run_metrics(run_id, metric_id, count, sum, min, max, last_value, last_ts) VALUES (1, {m + 1}, 0, 0, 0, 0, 0, 0)");
    }
    using var insert = c.CreateCommand();
    insert.Transaction = tx;
    insert.CommandText = "INSERT INTO points(run_id, metric_id, ts, value, model_name, metadata) VALUES (1, $m, $ts, $v, $model, $meta)";
    var pm = insert.Parameters.Add("$m", SqliteType.Integer);
    var pts = insert.Parameters.Add("$ts", SqliteType.Integer);
    var pv = insert.Parameters.Add("$v", SqliteType.Real);
    var pmodel = insert.Parameters.Add("$model", SqliteType.Text);
    var pmeta = insert.Parameters.Add("$meta", SqliteType.Text);
    var start = 1_790_000_000_000_000L;
    for (var i = 0; i < points; i++)
    {
        var m = i % metrics.Length;
        pm.Value = m + 1;
        pts.Value = start + i * 1000L;
        pv.Value = i * 0.001;
        pmodel.Value = m is 2 or 3 or 4 ? (i % 3 == 0 ? "meta-llama/Llama-3.1-8B-Instruct" : "gpt-4o-mini") : DBNull.Value;
        pmeta.Value = m switch
        {
            5 or 6 => $$"""{"evaluator_type":"ConversationJudge","feedback":"Cites the document, \"mostly\" accurate #{{i % 50}}"}""",
            8 => $$"""{"label":"positive","model_version":"v3","text_length":{{i % 900}},"client_id":"c-{{i % 20}}"}""",
            0 => """{"prompt_type":"respondent"}""",
            _ => DBNull.Value,
        };
        insert.ExecuteNonQuery();
    }
    // The writer keeps per run and metric the point count and how many have a model name (run_metrics), and per
    // metadata key how many values are numbers or other non-null values (run_metric_keys): the export's plan reads
    // them instead of the points. The seed fills them the same way (not timed).
    Exec(c, tx, """
        UPDATE run_metrics SET
            count = (SELECT COUNT(*) FROM points p WHERE p.run_id = 1 AND p.metric_id = run_metrics.metric_id),
            model_points = (SELECT COUNT(p.model_name) FROM points p WHERE p.run_id = 1 AND p.metric_id = run_metrics.metric_id)
        """);
    Exec(c, tx, """
        INSERT INTO run_metric_keys (run_id, metric_id, key, numeric, other)
        SELECT p.run_id, p.metric_id, j.key, SUM(j.type IN ('integer', 'real')), SUM(j.type NOT IN ('integer', 'real', 'null'))
        FROM points p, json_each(p.metadata) j WHERE p.metadata IS NOT NULL
        GROUP BY p.run_id, p.metric_id, j.key
        """);
    tx.Commit();
    return 1;
}

static void Exec(SqliteConnection c, SqliteTransaction tx, string sql)
{
    using var cmd = c.CreateCommand();
    cmd.Transaction = tx;
    cmd.CommandText = sql;
    cmd.ExecuteNonQuery();
}

/// <summary>Reads every point and writes nothing: the cost of the read path alone ("read" in the format list).</summary>
internal sealed class ReadOnlyExporter : IExporter
{
    public void Write(ExportPlan plan, IExportReader reader, Stream output, CancellationToken ct)
    {
        long bytes = 0;
        foreach (var (_, p) in reader.Rows())
        {
            bytes += p.Metadata.Length;
        }
        output.WriteByte((byte)bytes);
    }
}

/// <summary>A write-only sink that keeps nothing but the byte count, like a fast client.</summary>
internal sealed class CountingStream : Stream
{
    private long _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => _length += count;
    public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
}
