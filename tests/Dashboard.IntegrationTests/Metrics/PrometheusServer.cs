using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Metrics;

/// <summary>A real Prometheus 2.42 scraping the dashboard every second with a bearer key, and PromQL over its HTTP API.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly ExternalServer _server;
    private readonly HttpClient _http;

    private PrometheusServer(ExternalServer server)
    {
        _server = server;
        _http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public string Log => _server.Log;

    public static async Task<PrometheusServer> StartAsync(Uri target, string scrapeKey) =>
        new(await ExternalServer.StartAsync("/usr/bin/prometheus",
            (folder, port) =>
            [
                $"--config.file={Path.Combine(folder, "prometheus.yml")}",
                $"--storage.tsdb.path={Path.Combine(folder, "data")}",
                $"--web.listen-address=127.0.0.1:{port}",
            ],
            "/-/ready",
            (folder, _) => File.WriteAllText(Path.Combine(folder, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: dashboard
                    metrics_path: /metrics
                    authorization:
                      type: Bearer
                      credentials: {scrapeKey}
                    static_configs:
                      - targets: ['{target.Authority}']
                """)));

    /// <summary>The single value of an instant query, or null when it returns no series.</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        var json = await _http.GetFromJsonAsync<JsonElement>("/api/v1/query?query=" + Uri.EscapeDataString(promql));
        var result = json.GetProperty("data").GetProperty("result");
        if (result.GetArrayLength() == 0)
        {
            return null;
        }
        var value = result[0].GetProperty("value")[1].GetString()!;
        return double.Parse(value, CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the query returns <paramref name="expected"/> (scrapes are every second).</summary>
    public async Task ExpectAsync(string promql, double expected)
    {
        double? last = null;
        try
        {
            await WaitFor.ConditionAsync(async () => (last = await QueryAsync(promql)) == expected, TimeSpan.FromSeconds(30), promql);
        }
        catch (TimeoutException)
        {
            var targets = await _http.GetStringAsync("/api/v1/targets");
            throw new TimeoutException($"{promql} was {last?.ToString() ?? "empty"}, expected {expected}. Targets: {targets}\n{Log}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }
}
