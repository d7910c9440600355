using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's Chromium through Playwright (never `playwright install`). Every page it opens records
/// console errors, page errors, failed requests, HTTP answers of 400 and above, and dialogs (an
/// alert() means an XSS payload ran), so a test can assert the page stayed clean.
/// </summary>
public sealed class Browser : IAsyncDisposable
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public List<string> Errors { get; } = [];

    public List<string> Dialogs { get; } = [];

    /// <summary>tests/Dashboard.IntegrationTests/bin/screenshots: look at them after a run.</summary>
    public static string ScreenshotDirectory
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "screenshots"));
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    /// <summary>A new page with the listeners attached; relative URLs resolve against <paramref name="baseAddress"/>.</summary>
    /// <param name="timezoneId">The browser's time zone (IANA id); the machine's when null.</param>
    public async Task<IPage> NewPageAsync(Uri? baseAddress = null, int width = 1280, int height = 800, string? timezoneId = null)
    {
        if (_browser is null)
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            });
        }
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions
        {
            BaseURL = baseAddress?.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            TimezoneId = timezoneId,
        });
        page.Console += (_, m) =>
        {
            // The browser asks for /favicon.ico by itself; that is not the page's error.
            if (m.Type == "error" && !m.Location.Contains("/favicon.ico", StringComparison.Ordinal))
            {
                Record(Errors, $"console: {m.Text} ({m.Location})");
            }
        };
        page.PageError += (_, e) => Record(Errors, "pageerror: " + e);
        page.Response += (_, r) =>
        {
            if (r.Status >= 400 && !r.Url.EndsWith("/favicon.ico", StringComparison.Ordinal))
            {
                Record(Errors, $"http {r.Status}: {r.Url}");
            }
        };
        page.RequestFailed += (_, r) => Record(Errors, $"request failed: {r.Url} {r.Failure}");
        page.Dialog += async (_, d) =>
        {
            Record(Dialogs, d.Message);
            Record(Errors, "dialog: " + d.Message);
            await d.DismissAsync();
        };
        return page;
    }

    public async Task<IPage> OpenAsync(Uri url, int width = 1280, int height = 800)
    {
        var page = await NewPageAsync(null, width, height);
        await page.GotoAsync(url.ToString());
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    private static void Record(List<string> list, string entry)
    {
        lock (list)
        {
            list.Add(entry);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
