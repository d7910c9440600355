using System.Net.Http.Json;

namespace Dashboard.Client;

/// <summary>
/// Reads of one run over the query API and its live subscription over the hub. Used by
/// <see cref="DashboardClient"/>; usable alone with a viewer key. Queries throw on HTTP errors
/// (<see cref="HttpRequestException"/>): unlike sending, the caller asked and is waiting for an answer.
/// </summary>
public sealed class DashboardQueries : IAsyncDisposable
{
    /// <summary>The header carrying the key (the dashboard also accepts <c>Authorization: Bearer</c>).</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _baseAddress;
    private readonly string _run;
    private readonly string? _apiKey;
    private readonly List<RunSubscription> _subscriptions = [];

    /// <summary>Reads for <paramref name="run"/> at <paramref name="baseAddress"/>.</summary>
    /// <param name="baseAddress">The dashboard, e.g. <c>http://localhost:5000</c>.</param>
    /// <param name="run">The run to read.</param>
    /// <param name="apiKey">A viewer (or higher) key; null when the dashboard runs without authentication.</param>
    /// <param name="httpClient">An HttpClient to use (not disposed here); a new one by default.</param>
    public DashboardQueries(Uri baseAddress, string run, string? apiKey = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentException.ThrowIfNullOrWhiteSpace(run);
        // A base without a trailing slash would lose its last segment when combined with relative paths.
        _baseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        _run = run;
        _apiKey = apiKey;
        _ownsHttp = httpClient is null;
        _http = httpClient ?? new HttpClient();
    }

    internal Uri IngestUri => new(_baseAddress, "api/v1/ingest");

    /// <summary>Stats of one metric (count, mean, min, max, percentiles) over <paramref name="window"/>.</summary>
    /// <param name="name">The metric's name.</param>
    /// <param name="window">30s, 5m, 1h, 24h, all or &lt;n&gt;s/m/h/d.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<MetricStats> GetStatsAsync(string name, string window = "all", CancellationToken cancellationToken = default) =>
        GetAsync<MetricStats>($"api/v1/runs/{Uri.EscapeDataString(_run)}/stats?name={Uri.EscapeDataString(name)}&window={Uri.EscapeDataString(window)}",
            cancellationToken);

    /// <summary>Token sums per model over <paramref name="window"/>.</summary>
    /// <param name="window">30s, 5m, 1h, 24h, all or &lt;n&gt;s/m/h/d.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<TokenUsageReport> GetTokenUsageAsync(string window = "all", CancellationToken cancellationToken = default) =>
        GetAsync<TokenUsageReport>($"api/v1/runs/{Uri.EscapeDataString(_run)}/tokens?window={Uri.EscapeDataString(window)}", cancellationToken);

    /// <summary>Connects to the hub, joins the run's group and calls <paramref name="onMetricsAppended"/> for each push.</summary>
    /// <param name="onMetricsAppended">Called on a SignalR thread for each MetricsAppended message.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    public async Task<RunSubscription> SubscribeAsync(Action<MetricsAppended> onMetricsAppended, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onMetricsAppended);
        var subscription = await RunSubscription.StartAsync(new Uri(_baseAddress, "hubs/metrics"), _run, _apiKey,
            onMetricsAppended, cancellationToken);
        lock (_subscriptions)
        {
            _subscriptions.Add(subscription);
        }
        return subscription;
    }

    /// <summary>Stops every subscription made here, and the HttpClient when it was made here.</summary>
    public async ValueTask DisposeAsync()
    {
        RunSubscription[] subscriptions;
        lock (_subscriptions)
        {
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
        }
        foreach (var subscription in subscriptions)
        {
            await subscription.DisposeAsync();
        }
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    internal static void Authorize(HttpRequestMessage request, string? apiKey)
    {
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation(ApiKeyHeader, apiKey);
        }
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_baseAddress, path));
        Authorize(request, _apiKey);
        using var response = await _http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<T>(ClientJson.Options, ct))!;
    }
}
