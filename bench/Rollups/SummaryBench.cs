using System.Diagnostics;
using Dashboard.Core;
using Dashboard.Storage.Sqlite;

/// <summary>
/// The prediction and pipeline summaries over one run of N points (issue 14): rollups + raw edges against the raw
/// computation, window "all" and the last hour from an unaligned start. Points: prediction events of 2-3 points
/// (confidence with one of 20 labels, processing time, an error now and then) and pipeline events of 2 points
/// (execution time, success; 8 pipelines), 1 ms apart.
/// </summary>
internal static class SummaryBench
{
    public static void Run(SqliteConnectionFactory connections, SqlitePointWriter writer, long total)
    {
        var random = new Random(11);
        var start = 1_795_000_000_000_000L;
        var fill = Stopwatch.StartNew();
        long written = 0, n = 0;
        while (written < total)
        {
            var batch = new List<ExpandedEvent>(2000);
            for (var i = 0; i < 2000 && written < total; i++, n++)
            {
                var ts = start + n * 1_000;
                var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "metric" };
                if (n % 4 != 3)
                {
                    var metadata = $"{{\"label\": \"label-{random.Next(20)}\", \"model\": \"m\"}}";
                    e.Points.Add(new MetricPoint(MetricNames.PredictionConfidence, ts, random.NextDouble(), null, metadata));
                    e.Points.Add(new MetricPoint(MetricNames.PredictionProcessingTime, ts, Math.Exp(random.NextDouble() * 3) / 4, null, null));
                    if (random.Next(20) == 0)
                    {
                        e.Points.Add(new MetricPoint(MetricNames.PredictionError, ts, 1, null, null));
                    }
                }
                else
                {
                    var metadata = $"{{\"pipeline\": \"pipeline-{random.Next(8)}\", \"stage\": \"s\"}}";
                    e.Points.Add(new MetricPoint(MetricNames.PipelineExecutionTime, ts, random.NextDouble() * 30, null, metadata));
                    e.Points.Add(new MetricPoint(MetricNames.PipelineSuccess, ts, random.Next(10) == 0 ? 0 : 1, null, metadata));
                }
                written += e.Points.Count;
                batch.Add(e);
            }
            writer.Write([new PendingWrite("pred", "bench", batch, 0)]);
        }
        var last = start + (n - 1) * 1_000;
        Console.WriteLine($"wrote {written:N0} prediction/pipeline points through the writer in {fill.Elapsed.TotalSeconds:F1} s");

        var predictions = new SqlitePredictionReader(connections);
        var pipelines = new SqlitePipelineReader(connections);
        var runId = new SqliteMetricReader(connections).GetRunId("pred")!.Value;
        var hour = last - 3_600_000_000 + 123_457;
        Measure("predictions summary, all (rollups)", () => predictions.GetTotals(runId, long.MinValue));
        Measure("predictions summary, all (raw)", () => predictions.GetRawTotals(runId, long.MinValue), 5);
        Measure("predictions summary, last hour unaligned (rollups)", () => predictions.GetTotals(runId, hour));
        Measure("predictions summary, last hour unaligned (raw)", () => predictions.GetRawTotals(runId, hour), 5);
        Measure("pipelines health, all (rollups)", () => pipelines.GetAggregates(long.MinValue, null, null));
        Measure("pipelines health, all (raw)", () => pipelines.GetRawAggregates(long.MinValue, null, null), 5);
        Measure("pipelines health, one run, last hour unaligned (rollups)", () => pipelines.GetAggregates(hour, runId, null));
        Measure("pipelines health, one run, last hour unaligned (raw)", () => pipelines.GetRawAggregates(hour, runId, null), 5);
        var fast = predictions.GetTotals(runId, long.MinValue).ProcessingTime;
        var exact = predictions.GetRawTotals(runId, long.MinValue).ProcessingTime;
        Console.WriteLine($"  processing time: exact p50 {exact.P50:G6} p99 {exact.P99:G6} mean {exact.Mean:G17}; rollups p50 {fast.P50:G6} p99 {fast.P99:G6} mean {fast.Mean:G17}");
    }

    private static void Measure<T>(string name, Func<T> work, int reps = 20)
    {
        work();
        var times = new List<double>();
        for (var i = 0; i < reps; i++)
        {
            var sw = Stopwatch.StartNew();
            work();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        var sorted = times.Order().ToArray();
        Console.WriteLine($"{name}: p50 {sorted[(int)(0.5 * sorted.Length)]:F1} ms, p95 {sorted[Math.Min(sorted.Length - 1, (int)(0.95 * sorted.Length))]:F1} ms");
    }
}
