using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's Chromium driven by Playwright for the predictions and pipelines pages: records console
/// errors, page errors and dialogs (an alert() means an XSS fired), and saves screenshots.
/// </summary>
public sealed class BrowserAnalytics : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private BrowserAnalytics(IPlaywright playwright, IBrowser browser, IPage page)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        page.Console += (_, m) =>
        {
            // The browser asks for /favicon.ico by itself; the app has none and that is not a page error.
            if (m.Type == "error" && !m.Location.Contains("/favicon.ico", StringComparison.Ordinal))
            {
                Errors.Add($"console: {m.Text} ({m.Location})");
            }
        };
        page.PageError += (_, e) => Errors.Add("page: " + e);
        page.Response += (_, r) =>
        {
            if (r.Status >= 400 && !r.Url.EndsWith("/favicon.ico", StringComparison.Ordinal))
            {
                Errors.Add($"http {r.Status}: {r.Url}");
            }
        };
        page.Dialog += async (_, d) =>
        {
            Dialogs.Add(d.Message);
            await d.DismissAsync();
        };
    }

    public IPage Page { get; }

    public List<string> Errors { get; } = [];

    public List<string> Dialogs { get; } = [];

    public static async Task<BrowserAnalytics> LaunchAsync(Uri baseAddress)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1600 },
        });
        return new BrowserAnalytics(playwright, browser, page);
    }

    /// <summary>Saves a full-page screenshot under tests/Dashboard.IntegrationTests/bin/screenshots and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var dir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "screenshots"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
