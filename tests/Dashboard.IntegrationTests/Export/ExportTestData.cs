using System.Globalization;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Export;

/// <summary>A point as the tests expect it back: metadata values as text (numbers as written, bools true/false).</summary>
public sealed record ExpectedPoint(string Name, long Micros, double Value, string? Model, IReadOnlyDictionary<string, string?> Metadata);

/// <summary>Metric events with awkward metadata, posted through the real ingest API, and what an export must give back.</summary>
public static class ExportTestData
{
    public const string Run = "export-run";
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    public static readonly string[] Injections = ["=SUM(A1:A2)", "+1+1", "-2+3", "@cmd", "\tTAB", "\rCR"];

    public static IReadOnlyList<(string Name, double Value, long Micros, Dictionary<string, object?>? Metadata)> Events()
    {
        var list = new List<(string, double, long, Dictionary<string, object?>?)>();
        long At(int seconds, int micros) => (Start.UtcTicks - DateTime.UnixEpoch.Ticks) / 10 + seconds * 1_000_000L + micros;
        for (var i = 0; i < 6; i++)
        {
            var metadata = new Dictionary<string, object?>
            {
                ["label"] = i % 2 == 0 ? "a,b" : "plain",
                ["note"] = "say \"hi\"\nline two",
                ["n"] = i,
                ["flag"] = i % 3 == 0,
                ["unicode"] = "héllo ✓",
            };
            if (i == 2)
            {
                metadata["model_name"] = "meta-llama/Llama-3.1-8B-Instruct";
            }
            list.Add(("latency", i * 1.5, At(i, 123_456), i == 5 ? null : metadata));
        }
        for (var i = 0; i < Injections.Length; i++)
        {
            list.Add(("model_usage:gpt-4o-mini", -i - 0.25, At(10 + i, 7), new Dictionary<string, object?>
            {
                ["model_name"] = i == 0 ? "=evil/model:1" : "gpt-4o-mini",
                ["formula"] = Injections[i],
            }));
        }
        list.Add(("evaluation_score_grounding", 5, At(20, 0), new() { ["evaluator_type"] = "Judge", ["feedback"] = "Cites \"mostly\", = ok.", ["value"] = 7, ["mixed"] = 1 }));
        list.Add(("evaluation_score_grounding", 3, At(21, 0), new() { ["evaluator_type"] = "Judge", ["feedback"] = null, ["mixed"] = "x" }));
        return list;
    }

    public static async Task PostAsync(HttpClient http)
    {
        var events = Events().Select(e => (object)new
        {
            type = "metric",
            name = e.Name,
            value = e.Value,
            timestamp = DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(e.Micros * 10).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            metadata = e.Metadata,
        }).ToArray();
        using var response = await Json.PostIngestAsync(http, Run, events);
        response.EnsureSuccessStatusCode();
    }

    public static List<ExpectedPoint> Expected() => Events()
        .Select(e => new ExpectedPoint(e.Name, e.Micros, e.Value, e.Metadata?.GetValueOrDefault("model_name") as string,
            (e.Metadata ?? []).Where(kv => kv.Key != "model_name").ToDictionary(kv => kv.Key == "value" ? "metadata_value" : kv.Key, kv => Text(kv.Value))))
        .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Micros).ToList();

    public static string? Text(object? value) => value switch
    {
        null => null,
        string s => s,
        bool b => b ? "true" : "false",
        int n => n.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        JsonElement j => j.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => j.GetString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => j.GetRawText(),
        },
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    public static string Neutralized(string? s) => s is { Length: > 0 } && s[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + s : s ?? "";

    public static long Micros(string iso) =>
        (DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcTicks - DateTime.UnixEpoch.Ticks) / 10;
}
