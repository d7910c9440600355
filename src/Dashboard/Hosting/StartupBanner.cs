using Dashboard.Security;

namespace Dashboard.Hosting;

/// <summary>Once the server listens, prints one block: where, how to sign in, the ingest key and a curl command that works as printed.</summary>
public static class StartupBanner
{
    public static WebApplication PrintBannerOnStart(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = ServerAddresses.ListenAddress(app.Services);
            if (address is null)
            {
                return;
            }
            var (security, key) = SecurityBanner.Describe(app.Services, address);
            Console.WriteLine(Text(address, security, key));
        });
        return app;
    }

    /// <summary>The banner's text; <paramref name="key"/> null means no key header (Auth:Mode=None).</summary>
    public static string Text(string address, IEnumerable<string> security, string? key)
    {
        const string Rule = "--------------------------------------------------------------------------------";
        var header = key is null ? "" : $" \\{Environment.NewLine}    -H 'X-Api-Key: {key}'";
        var lines = new List<string>
        {
            "",
            Rule,
            $"  Dashboard:   {address}",
        };
        lines.AddRange(security);
        lines.Add("  First event:");
        lines.Add($"  curl -s -X POST {address}/api/v1/ingest -H 'Content-Type: application/json'{header} \\");
        lines.Add("    -d '{\"run\":\"hello\",\"events\":[{\"type\":\"generation\",\"duration\":1.2,\"success\":true,\"model_name\":\"gpt-4o-mini\",\"total_token_count\":321}]}'");
        lines.Add(Rule);
        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }
}
