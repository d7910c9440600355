namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>
/// The real host over its own temporary SQLite file for each test (xunit makes a new instance per
/// test), an HTTP client for it, and a Chromium browser made on first use. Override
/// <see cref="SeedAsync"/> to post what every test of the class needs.
/// </summary>
public abstract class HostedTest(IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    private Browser? _browser;

    protected DashboardFactory Factory { get; } = new(settings: settings);

    protected HttpClient Http { get; private set; } = null!;

    protected Browser Browser => _browser ??= new Browser();

    public async Task InitializeAsync()
    {
        Http = Factory.CreateHttpClient();
        await SeedAsync();
    }

    protected virtual Task SeedAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        Http.Dispose();
        await Factory.DisposeAsync();
    }
}
