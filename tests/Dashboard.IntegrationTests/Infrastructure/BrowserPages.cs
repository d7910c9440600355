using Microsoft.Playwright;

namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>Debian's Chromium through Playwright, collecting console errors and page errors of every page it opens.</summary>
public sealed class BrowserPages : IAsyncDisposable
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public List<string> Errors { get; } = [];

    public static string ScreenshotDir
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task<IPage> OpenAsync(Uri url, int width = 1280, int height = 800)
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
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                lock (Errors)
                {
                    Errors.Add("console: " + m.Text);
                }
            }
        };
        page.PageError += (_, e) =>
        {
            lock (Errors)
            {
                Errors.Add("pageerror: " + e);
            }
        };
        page.Response += (_, r) =>
        {
            if (r.Status >= 400)
            {
                lock (Errors)
                {
                    Errors.Add($"http {r.Status}: {r.Url}");
                }
            }
        };
        page.RequestFailed += (_, r) =>
        {
            lock (Errors)
            {
                Errors.Add($"request failed: {r.Url} {r.Failure}");
            }
        };
        page.Dialog += async (_, d) =>
        {
            lock (Errors)
            {
                Errors.Add("dialog: " + d.Message);
            }
            await d.DismissAsync();
        };
        await page.GotoAsync(url.ToString());
        return page;
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
