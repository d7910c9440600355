// OTLP/HTTP protobuf against the native JSON ingest, in the same run of the same dashboard process.
// Metrics: 1,000 gauge points with 2 attributes per request vs 1,000 `metric` events with 2 metadata keys, values new in each request.
// Spans: 1,000 gen_ai spans per request (7 points each) vs 1,000 `generation` events with an id (7 points each),
// bare and with the metadata a span's points carry.
// Every request is acknowledged after commit; at the end the file must hold every acknowledged point.
// Usage: dotnet run -c Release --project bench/OtlpLoad -- [seconds per scenario=10] [rounds=3] [dashboard.dll path]
using System.Diagnostics;
using System.Net;
using System.Text;
using Dashboard.Otlp.Proto;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

var seconds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10;
var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3;
var dll = args.Length > 2 ? args[2] : BenchServer.FindDashboardDll();
var db = Path.Combine(Path.GetTempPath(), $"otlp-bench-{Guid.NewGuid():N}.db");
var port = BenchServer.FreePort();
using var server = BenchServer.Start(dll, db, port, "--Auth:Mode=None", "--Ingest:QueueCapacity=10000");
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
await BenchServer.WaitForHealthyAsync(http.BaseAddress!);
Console.WriteLine($"Dashboard {dll}\nDatabase {db}\n");

long sequence = 0;

var results = new List<string>();
long acknowledged = 0;
// Rounds alternate the four scenarios so that load from other jobs falls on both paths alike.
for (var round = 1; round <= rounds; round++)
{
    acknowledged += await RunAsync($"[{round}] native JSON metrics", "/api/v1/ingest", "application/json", NativeMetrics, 1000, 1000);
    acknowledged += await RunAsync($"[{round}] OTLP protobuf metrics", "/v1/metrics", "application/x-protobuf", () => MetricsRequest(Interlocked.Increment(ref sequence)).ToByteArray(), 1000, 1000);
    acknowledged += await RunAsync($"[{round}] native JSON generations", "/api/v1/ingest", "application/json", () => NativeGenerations(false), 1000, 7000);
    acknowledged += await RunAsync($"[{round}] native JSON generations, span's metadata", "/api/v1/ingest", "application/json", () => NativeGenerations(true), 1000, 7000);
    acknowledged += await RunAsync($"[{round}] OTLP protobuf spans", "/v1/traces", "application/x-protobuf", () => TraceRequest().ToByteArray(), 1000, 7000);
}

var stored = CountPoints(db);
Console.WriteLine($"\nAcknowledged points: {acknowledged:N0}; stored in the file: {stored:N0}");
server.Kill(entireProcessTree: true);
return stored == acknowledged ? 0 : 1;

async Task<long> RunAsync(string label, string path, string contentType, Func<byte[]> body, int itemsPerRequest, int pointsPerRequest)
{
    long ok = 0, refused = 0;
    var stop = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, 4).Select(async _ =>
    {
        while (stop.Elapsed.TotalSeconds < seconds)
        {
            using var content = new ByteArrayContent(body());
            content.Headers.ContentType = new(contentType);
            using var response = await http.PostAsync(path, content);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref ok);
            }
            else
            {
                Interlocked.Increment(ref refused);
            }
        }
    });
    await Task.WhenAll(workers);
    var elapsed = stop.Elapsed.TotalSeconds;
    Console.WriteLine($"{label}: {ok * itemsPerRequest / elapsed:N0} items/s, {ok * pointsPerRequest / elapsed:N0} points/s " +
        $"({ok:N0} requests acknowledged, {refused:N0} refused, 4 clients, {elapsed:N1} s)");
    return ok * pointsPerRequest;
}

// Each request's values differ: both paths give points with a stated time content ids, and a repeated
// body would be recognized as a replay and stored once.
byte[] NativeMetrics()
{
    var n = Interlocked.Increment(ref sequence);
    return Encoding.UTF8.GetBytes("{\"run\":\"native-metrics\",\"events\":[" + string.Join(",", Enumerable.Range(0, 1000).Select(i =>
        $"{{\"type\":\"metric\",\"name\":\"latency_{i % 20}\",\"value\":{n}.{i:D3},\"timestamp\":1700000000.{i:D3},\"metadata\":{{\"host\":\"h{i % 4}\",\"route\":\"/r{i % 10}\"}}}}")) + "]}");
}

// withMetadata: the same metadata an OTLP span's points carry (operation, provider, span name, trace id), so the
// two protocols are compared with equal content as well as against the bare event.
byte[] NativeGenerations(bool withMetadata)
{
    var trace = Guid.NewGuid().ToString("N");
    var metadata = withMetadata ? $",\"metadata\":{{\"operation\":\"chat\",\"span\":\"chat gpt-4o-mini\",\"trace_id\":\"{trace}\"}}" : "";
    var b = new StringBuilder("{\"run\":\"native-generations\",\"events\":[");
    for (var i = 0; i < 1000; i++)
    {
        var id = Interlocked.Increment(ref sequence);
        b.Append(i == 0 ? "" : ",").Append($"{{\"type\":\"generation\",\"id\":\"g{id}\",\"timestamp\":1700000000.{i:D3},\"duration\":1.25,\"success\":true," +
            $"\"model_name\":\"gpt-4o-mini\",\"finish_reason\":\"stop\",\"prompt_token_count\":100,\"completion_token_count\":20,\"total_token_count\":120{metadata}}}");
    }
    return Encoding.UTF8.GetBytes(b.Append("]}").ToString());
}

ExportTraceServiceRequest TraceRequest()
{
    var scope = new ScopeSpans();
    var trace = ByteString.CopyFrom(Guid.NewGuid().ToByteArray());
    for (var i = 0; i < 1000; i++)
    {
        var span = new Span
        {
            TraceId = trace,
            SpanId = ByteString.CopyFrom(BitConverter.GetBytes(Interlocked.Increment(ref sequence))),
            Name = "chat gpt-4o-mini",
            StartTimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i * 1_000_000,
            EndTimeUnixNano = 1_700_000_001_250_000_000UL + (ulong)i * 1_000_000,
        };
        span.Attributes.Add(Attr("gen_ai.operation.name", "chat"));
        span.Attributes.Add(Attr("gen_ai.request.model", "gpt-4o-mini"));
        span.Attributes.Add(Attr("gen_ai.response.model", "gpt-4o-mini"));
        span.Attributes.Add(new KeyValue { Key = "gen_ai.usage.input_tokens", Value = new AnyValue { IntValue = 100 } });
        span.Attributes.Add(new KeyValue { Key = "gen_ai.usage.output_tokens", Value = new AnyValue { IntValue = 20 } });
        span.Attributes.Add(new KeyValue { Key = "gen_ai.response.finish_reasons", Value = new AnyValue { ArrayValue = new ArrayValue { Values = { new AnyValue { StringValue = "stop" } } } } });
        scope.Spans.Add(span);
    }
    var resource = new ResourceSpans { Resource = Resource("otlp-spans") };
    resource.ScopeSpans.Add(scope);
    return new ExportTraceServiceRequest { ResourceSpans = { resource } };
}

static ExportMetricsServiceRequest MetricsRequest(long n)
{
    var scope = new ScopeMetrics();
    for (var m = 0; m < 20; m++)
    {
        var gauge = new Gauge();
        for (var i = m; i < 1000; i += 20)
        {
            var p = new NumberDataPoint { TimeUnixNano = 1_700_000_000_000_000_000UL + (ulong)i * 1_000_000, AsDouble = n + i / 1000.0 };
            p.Attributes.Add(Attr("host", $"h{i % 4}"));
            p.Attributes.Add(Attr("route", $"/r{i % 10}"));
            gauge.DataPoints.Add(p);
        }
        scope.Metrics.Add(new Metric { Name = $"latency_{m}", Gauge = gauge });
    }
    var resource = new ResourceMetrics { Resource = Resource("otlp-metrics") };
    resource.ScopeMetrics.Add(scope);
    return new ExportMetricsServiceRequest { ResourceMetrics = { resource } };
}

static Resource Resource(string service) => new() { Attributes = { Attr("service.name", service) } };

static KeyValue Attr(string key, string value) => new() { Key = key, Value = new AnyValue { StringValue = value } };

static long CountPoints(string db)
{
    using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
    c.Open();
    using var cmd = c.CreateCommand();
    cmd.CommandText = "SELECT COUNT(*) FROM points";
    return (long)cmd.ExecuteScalar()!;
}
