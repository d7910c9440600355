using System.Text.Json;
using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>A judge's feedback text sent with an evaluation score.</summary>
public sealed record JudgeFeedback(DateTimeOffset Timestamp, string Metric, double Score, string? Evaluator, string Text);

/// <summary>The run page's header and judge feedback: read once per range, then folded from committed events.</summary>
public sealed class RunFeedback(IRunPointReader reader, IMetricReader metrics)
{
    public const int Count = 10;
    public const string ScorePrefix = "evaluation_score_";

    public sealed record Header(string Project, IReadOnlyList<JudgeFeedback> Feedback);

    /// <summary>The run's project and its newest <see cref="Count"/> feedback texts in [from, to]; null for an unknown run.</summary>
    public Header? Read(string run, long from, long to, CancellationToken ct = default)
    {
        using var c = reader.Open(run);
        if (c is null)
        {
            return null;
        }
        var list = new List<JudgeFeedback>();
        foreach (var name in metrics.GetMetrics(c.RunId, ct).Select(m => m.Name).Where(IsScore))
        {
            foreach (var p in c.GetLatestWithMetadataKey(name, "feedback", from, to, Count))
            {
                if (FromMetadata(name, p.Timestamp, p.Value, p.Metadata) is { } f)
                {
                    list.Add(f);
                }
            }
        }
        return new Header(c.Project, [.. list.OrderByDescending(f => f.Timestamp).Take(Count)]);
    }

    /// <summary>Folds newly committed points into the newest-first list (work in proportion to the new points).</summary>
    public static IReadOnlyList<JudgeFeedback> Fold(IReadOnlyList<JudgeFeedback> current, IEnumerable<MetricPoint> points, long from, long to)
    {
        var added = points.Where(p => IsScore(p.Name) && p.Timestamp >= from && p.Timestamp <= to && p.MetadataJson is not null)
            .Select(p => FromMetadata(p.Name, p.Timestamp, p.Value, p.MetadataJson!))
            .OfType<JudgeFeedback>()
            .ToList();
        return added.Count == 0 ? current : [.. added.Concat(current).OrderByDescending(f => f.Timestamp).Take(Count)];
    }

    private static bool IsScore(string name) => name.StartsWith(ScorePrefix, StringComparison.Ordinal);

    private static JudgeFeedback? FromMetadata(string name, long ts, double value, string metadata)
    {
        try
        {
            using var doc = JsonDocument.Parse(metadata);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            string? Get(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var text = Get("feedback");
            return string.IsNullOrWhiteSpace(text) ? null
                : new JudgeFeedback(Timestamps.FromMicros(ts), name[ScorePrefix.Length..], value, Get("evaluator_type"), text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
