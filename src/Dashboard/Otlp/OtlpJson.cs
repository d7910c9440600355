using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;

namespace Dashboard.Otlp;

/// <summary>
/// OTLP/JSON: protobuf's JSON mapping (lowerCamelCase or original field names, int64 as strings or
/// numbers, enums as integers), except that trace and span ids are hex, not base64. Unknown fields
/// are ignored, as the specification asks of receivers.
/// </summary>
internal static class OtlpJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly string[] IdFields = ["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"];

    /// <summary>The message, or the reason the body is not OTLP/JSON.</summary>
    public static (T? Message, string? Error) Parse<T>(ReadOnlyMemory<byte> body) where T : class, IMessage<T>, new()
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body.Span, documentOptions: new JsonDocumentOptions { MaxDepth = 100 });
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON: {ex.Message}");
        }
        if (root is not JsonObject)
        {
            return (null, "The body must be a JSON object.");
        }
        if (HexIdsToBase64(root) is { } badId)
        {
            return (null, $"'{badId}' must be a hex string (32 digits for trace ids, 16 for span ids).");
        }
        try
        {
            return (Parser.Parse<T>(root.ToJsonString()), null);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidOperationException)
        {
            return (null, $"The body is not an OTLP/JSON {typeof(T).Name}: {ex.Message}");
        }
    }

    public static string Format(IMessage message) => JsonFormatter.Default.Format(message);

    /// <summary>Rewrites hex ids in place as the base64 protobuf's JSON parser reads for bytes; returns the first bad field.</summary>
    private static string? HexIdsToBase64(JsonNode node, int depth = 0)
    {
        if (depth > 64)
        {
            return null;
        }
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (value is null)
                    {
                        continue;
                    }
                    if (Array.IndexOf(IdFields, key) >= 0 && value.GetValueKind() == JsonValueKind.String)
                    {
                        var hex = value.GetValue<string>();
                        if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
                        {
                            return key;
                        }
                        o[key] = Convert.ToBase64String(Convert.FromHexString(hex));
                        continue;
                    }
                    if (HexIdsToBase64(value, depth + 1) is { } bad)
                    {
                        return bad;
                    }
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    if (item is not null && HexIdsToBase64(item, depth + 1) is { } bad)
                    {
                        return bad;
                    }
                }
                break;
        }
        return null;
    }
}
