using System.Buffers;
using System.Text.Json;

namespace Dashboard.Ingest;

/// <summary>
/// Arguments a typed event does not define (afterimage callers pass turns=, temperature=, ...) are kept as
/// metadata of the event's points rather than dropped, and named once per batch in the answer
/// (ignoredFields) so a misspelt field (prompt_tokens) does not pass unnoticed. The event's own metadata
/// wins over a top-level field of the same name.
/// </summary>
internal static class UnknownFields
{
    private static readonly string[] Common = ["type", "id", "timestamp", "metadata"];

    public static readonly HashSet<string> Generation = new(
        [.. Common, "duration", "success", "error", "model_name", "finish_reason", "prompt_token_count", "completion_token_count",
            "total_token_count", "cached_token_count", "conversation_length"], StringComparer.Ordinal);

    public static readonly HashSet<string> Evaluation = new(
        [.. Common, "duration", "success", "error", "evaluator_type", "scores", "model_name", "prompt_token_count",
            "completion_token_count", "total_token_count", "cached_token_count"], StringComparer.Ordinal);

    public static readonly HashSet<string> Metric = new([.. Common, "name", "value"], StringComparer.Ordinal);

    /// <summary>The metadata to store: <paramref name="metadata"/> plus the event's unknown top-level fields.</summary>
    public static JsonElement? Merge(EventFields f, ExpandedEvent e, JsonElement? metadata, HashSet<string> known)
    {
        List<JsonProperty>? extra = null;
        foreach (var p in f.Element.EnumerateObject())
        {
            if (!known.Contains(p.Name))
            {
                (extra ??= []).Add(p);
            }
        }
        if (extra is null)
        {
            return metadata;
        }
        e.UnknownFields = [.. extra.Select(p => p.Name)];
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            var own = new HashSet<string>(StringComparer.Ordinal);
            if (metadata is { } m)
            {
                foreach (var p in m.EnumerateObject())
                {
                    own.Add(p.Name);
                    p.WriteTo(w);
                }
            }
            foreach (var p in extra.Where(p => !own.Contains(p.Name)))
            {
                p.WriteTo(w);
            }
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }
}
