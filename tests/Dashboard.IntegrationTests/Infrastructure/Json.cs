using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Dashboard.IntegrationTests.Infrastructure;

public static class Json
{
    public static StringContent Content(object body) =>
        new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    public static StringContent Raw(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, mediaType);

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>())!;

    public static async Task<JsonElement> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        return await ReadAsync(response);
    }

    public static async Task<HttpResponseMessage> PostIngestAsync(HttpClient client, string run, params object[] events) =>
        await client.PostAsync("/api/v1/ingest", Content(new { run, events }));
}
