using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// Sends generation events to one run at a fixed rate, each POST a batch plus one log line "bench seq N" (the run
/// page lists logs newest first, so a page shows exactly which POSTs it has folded in). Events carry no timestamp:
/// they are stored at their receive time, as a live generator's are. POSTs go out on schedule whether or not the
/// previous ones were answered (up to 256 in flight), so a slow server shows up as latency, not as a lower rate.
/// </summary>
internal sealed class IngestDriver(HttpClient http, string run, int eventsPerPost)
{
    private readonly byte[][] _bodies = BuildBodies(eventsPerPost);
    private long _seq;

    /// <summary>One answered POST: its sequence number, when its 2xx arrived (Unix ms, the browser's clock too), latency, points stored.</summary>
    public readonly record struct Post(long Seq, double AckUnixMs, double LatencyMs, int Status, long Points);

    public async Task<IngestResult> RunAsync(double eventsPerSecond, TimeSpan duration, CancellationToken ct = default)
    {
        var posts = new List<Post>();
        var interval = TimeSpan.FromSeconds(eventsPerPost / eventsPerSecond);
        using var gate = new SemaphoreSlim(256);
        var inFlight = new List<Task>();
        var clock = Stopwatch.StartNew();
        var skipped = 0;
        for (long k = 0; clock.Elapsed < duration && !ct.IsCancellationRequested; k++)
        {
            var due = interval * k;
            if (due > clock.Elapsed)
            {
                try
                {
                    await Task.Delay(due - clock.Elapsed, ct);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            if (!await gate.WaitAsync(0))
            {
                skipped++;
                continue;
            }
            var seq = Interlocked.Increment(ref _seq);
            inFlight.Add(SendAsync(seq, posts, gate));
        }
        await Task.WhenAll(inFlight);
        var elapsed = clock.Elapsed.TotalSeconds;
        return new IngestResult(posts, elapsed, skipped);
    }

    private async Task SendAsync(long seq, List<Post> posts, SemaphoreSlim gate)
    {
        try
        {
            var body = Body(seq);
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            var sw = Stopwatch.StartNew();
            int status;
            long points = 0;
            try
            {
                using var response = await http.PostAsync("/api/v1/ingest", content);
                status = (int)response.StatusCode;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var doc = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
                    points = doc.RootElement.GetProperty("points").GetInt64();
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Refused or timed out (HttpClient.Timeout): counted as not 200.
                status = 0;
            }
            var latency = sw.Elapsed.TotalMilliseconds;
            var ack = DateTime.UtcNow.Subtract(DateTime.UnixEpoch).TotalMilliseconds;
            lock (posts)
            {
                posts.Add(new Post(seq, ack, latency, status, points));
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private byte[] Body(long seq)
    {
        var events = _bodies[seq % _bodies.Length];
        var head = Encoding.UTF8.GetBytes($"{{\"run\":\"{run}\",\"project\":\"bench\",\"events\":[{{\"type\":\"log\",\"level\":\"info\",\"message\":\"bench seq {seq.ToString(CultureInfo.InvariantCulture)}\"}},");
        return [.. head, .. events, .. "]}"u8];
    }

    /// <summary>A few different batches of generation events (JSON without the surrounding array), built once.</summary>
    private static byte[][] BuildBodies(int count)
    {
        var random = new Random(3);
        return [.. Enumerable.Range(0, 8).Select(_ => Encoding.UTF8.GetBytes(string.Join(",", Enumerable.Range(0, count).Select(i =>
        {
            var prompt = random.Next(100, 900);
            var completion = random.Next(10, 400);
            return string.Create(CultureInfo.InvariantCulture,
                $"{{\"type\":\"generation\",\"duration\":{Math.Exp(random.NextDouble() * 3) / 4:F4},\"success\":{(random.NextDouble() < 0.93 ? "true" : "false")}," +
                $"\"model_name\":\"{Fill.Models[i % Fill.Models.Length]}\",\"finish_reason\":\"stop\",\"prompt_token_count\":{prompt}," +
                $"\"completion_token_count\":{completion},\"total_token_count\":{prompt + completion},\"conversation_length\":{random.Next(1, 12)}}}");
        }))))];
    }
}

internal sealed record IngestResult(List<IngestDriver.Post> Posts, double Seconds, int Skipped)
{
    public IEnumerable<IngestDriver.Post> Ok => Posts.Where(p => p.Status == 200);

    public string Summary()
    {
        var latencies = Posts.Where(p => p.Status == 200).Select(p => p.LatencyMs).ToList();
        var failed = Posts.Count(p => p.Status != 200);
        var points = Posts.Sum(p => p.Points);
        return $"{Posts.Count:N0} POSTs in {Seconds:F0} s, {points / Seconds:N0} points/s stored, ingest latency p50 {Stats.Pct(latencies, 0.5):F1} ms " +
            $"p99 {Stats.Pct(latencies, 0.99):F1} ms max {(latencies.Count == 0 ? 0 : latencies.Max()):F0} ms; not 200: {failed}; not sent (256 in flight): {Skipped}";
    }
}

internal static class Stats
{
    public static double Pct(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
    }

    public static string P50P95(IReadOnlyCollection<double> values) =>
        $"p50 {Pct(values, 0.5):F0} ms, p95 {Pct(values, 0.95):F0} ms (n={values.Count}, max {(values.Count == 0 ? 0 : values.Max()):F0})";
}
