using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Security;

/// <summary>Prints, once the server listens, how to sign in and ingest, or warns loudly that nobody has to.</summary>
public static class SecurityBanner
{
    public static WebApplication PrintSecurityBannerOnStart(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = StartupBanner.ListenAddress(app.Services) ?? "http://localhost:5000";
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Dashboard.Security");
            var options = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
            if (options.IsNone)
            {
                logger.LogWarning("Auth:Mode=None: authentication is OFF. Anyone who can reach {Address} can read, ingest, change settings and delete runs", address);
                Console.WriteLine("""

                    ******************************************************************************
                    *  WARNING: Auth:Mode=None. No key or login is required: anyone who can     *
                    *  reach this address is an admin. Use it only on a trusted machine.        *
                    ******************************************************************************
                    """);
                return;
            }
            var keys = app.Services.GetRequiredService<ApiKeyStore>();
            var lines = new List<string> { "", "Authentication: Auth:Mode=Token" };
            if (keys.CreatedBrowserToken is { } token)
            {
                lines.Add($"  Sign in (admin, shown once; only its hash is kept): {address}/login?t={token}");
            }
            else
            {
                lines.Add($"  Sign in at {address}/login with the login URL printed at first start, Auth:BrowserToken or an admin key;");
                lines.Add("  lost it? start once with --Auth:NewBrowserToken=true for a fresh one.");
            }
            if (keys.CreatedIngestKey is { } ingest)
            {
                lines.Add($"  Ingest key (shown once; send as 'X-Api-Key: <key>' or 'Authorization: Bearer <key>'): {ingest}");
            }
            if (keys.DemoKey is not null)
            {
                lines.Add("  The --demo generator posts with an in-memory ingest key of its own.");
            }
            Console.WriteLine(string.Join(Environment.NewLine, lines) + Environment.NewLine);
        });
        return app;
    }
}
