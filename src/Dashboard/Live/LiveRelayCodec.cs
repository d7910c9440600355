using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dashboard.Live;

/// <summary>
/// Committed batches as compact NOTIFY bodies: per run its name, project, created flag, event count, the
/// per-metric aggregates and the new log lines, never the points. A run too large for one body continues
/// in the next (its aggregates merge on the receiving side). Log lines are what can be long: a relayed
/// message or data text is cut to <see cref="MaxLogTextChars"/> characters (the page that reloads reads it whole).
/// </summary>
public static class LiveRelayCodec
{
    public const int MaxLogTextChars = 500;

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Bodies of at most <paramref name="maxBytes"/> UTF-8 bytes (at least 8000 - header expected).</summary>
    public static List<string> Encode(IEnumerable<LivePublisher.PendingRun> runs, int maxBytes)
    {
        var bodies = new List<string>();
        var body = new StringBuilder();
        var bodyBytes = 0;
        foreach (var record in Records(runs, maxBytes - 2))
        {
            var bytes = Encoding.UTF8.GetByteCount(record);
            if (body.Length > 0 && bodyBytes + 1 + bytes + 2 > maxBytes)
            {
                bodies.Add("[" + body + "]");
                body.Clear();
                bodyBytes = 0;
            }
            if (body.Length > 0)
            {
                body.Append(',');
                bodyBytes++;
            }
            body.Append(record);
            bodyBytes += bytes;
        }
        if (body.Length > 0)
        {
            bodies.Add("[" + body + "]");
        }
        return bodies;
    }

    public static CommittedBatch Decode(string body)
    {
        using var document = JsonDocument.Parse(body);
        var runs = new List<CommittedRun>();
        foreach (var r in document.RootElement.EnumerateArray())
        {
            var run = new CommittedRun(r.GetProperty("r").GetString()!, r.GetProperty("p").GetString()!, r.GetProperty("c").GetBoolean())
            {
                FromPeer = true,
                Events = r.GetProperty("e").GetInt32(),
            };
            foreach (var m in r.GetProperty("m").EnumerateArray())
            {
                var delta = MetricDelta.FromParts(m[1].GetInt64(), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), m[6].GetInt64(), m[7].GetInt64());
                var name = m[0].GetString()!;
                if (run.Metrics.TryGetValue(name, out var existing))
                {
                    existing.Merge(delta);
                }
                else
                {
                    run.Metrics[name] = delta;
                }
            }
            foreach (var l in r.GetProperty("l").EnumerateArray())
            {
                run.Logs.Add(new LogRecord(l[0].GetInt64(), l[1].GetString()!, l[2].GetString()!, l[3].ValueKind == JsonValueKind.Null ? null : l[3].GetString()));
            }
            runs.Add(run);
        }
        return new CommittedBatch(runs);
    }

    private static double Number(JsonElement e) => e.ValueKind == JsonValueKind.String ? JsonSerializer.Deserialize<double>(e, Json) : e.GetDouble();

    /// <summary>One or more JSON records per run, each at most <paramref name="maxBytes"/> bytes.</summary>
    private static IEnumerable<string> Records(IEnumerable<LivePublisher.PendingRun> runs, int maxBytes)
    {
        foreach (var run in runs)
        {
            var items = run.Metrics.Select(m => ("m", JsonSerializer.Serialize(new object[]
                {
                    m.Key, m.Value.Count, m.Value.Sum, m.Value.Min, m.Value.Max, m.Value.Last, m.Value.LastTimestamp, m.Value.ModelPoints,
                }, Json)))
                .Concat(run.Logs.Select(l => ("l", JsonSerializer.Serialize(new object?[]
                {
                    l.Timestamp, l.Level, Cut(l.Message), l.DataJson is null ? null : Cut(l.DataJson),
                }, Json))));
            var first = true;
            var metrics = new List<string>();
            var logs = new List<string>();
            var size = 0;
            foreach (var (kind, item) in items)
            {
                var bytes = Encoding.UTF8.GetByteCount(item) + 1;
                if (size > 0 && Header(run, first).Length + size + bytes > maxBytes - 32)
                {
                    yield return Record(run, first, metrics, logs);
                    first = false;
                    metrics.Clear();
                    logs.Clear();
                    size = 0;
                }
                (kind == "m" ? metrics : logs).Add(item);
                size += bytes;
            }
            yield return Record(run, first, metrics, logs);
        }
    }

    private static string Header(LivePublisher.PendingRun run, bool first) =>
        $"{{\"r\":{JsonSerializer.Serialize(run.Run, Json)},\"p\":{JsonSerializer.Serialize(run.Project, Json)},"
        + $"\"c\":{(first && run.Created ? "true" : "false")},\"e\":{(first ? run.Events : 0)}";

    private static string Record(LivePublisher.PendingRun run, bool first, List<string> metrics, List<string> logs) =>
        $"{Header(run, first)},\"m\":[{string.Join(',', metrics)}],\"l\":[{string.Join(',', logs)}]}}";

    private static string Cut(string text) => text.Length <= MaxLogTextChars ? text : string.Concat(text.AsSpan(0, MaxLogTextChars - 1), "…");
}
