using System.Text.Json;

namespace Dashboard.Pipelines;

/// <summary>How a failure's stored metadata reads on the page: its keys and values as text, pipeline left out (it has its own column).</summary>
public static class PipelineText
{
    public const int MaxPairs = 12;
    public const int MaxValueLength = 300;

    public static IReadOnlyList<(string Key, string Value)> Metadata(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [("metadata", Cut(json))];
            }
            return doc.RootElement.EnumerateObject()
                .Where(p => p.Name != "pipeline")
                .Take(MaxPairs)
                .Select(p => (p.Name, Cut(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())))
                .ToList();
        }
        catch (JsonException)
        {
            return [("metadata", Cut(json))];
        }
    }

    private static string Cut(string s) => s.Length <= MaxValueLength ? s : s[..MaxValueLength] + "…";
}
