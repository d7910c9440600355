using System.Net;
using System.Net.Http.Headers;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Dashboard.IntegrationTests.Security;

public sealed class AccessTests
{
    private static readonly object Event = new { type = "metric", name = "loss", value = 0.5 };

    [Fact]
    public async Task Requests_EachRole_GetExactlyTheirAccess()
    {
        await using var factory = SecuredDashboard.Create();
        using var anonymous = SecuredDashboard.Client(factory, null);
        using var ingest = SecuredDashboard.Client(factory, SecuredDashboard.IngestKey);
        using var viewer = SecuredDashboard.Client(factory, SecuredDashboard.ViewerKey);
        using var admin = SecuredDashboard.Client(factory, SecuredDashboard.AdminKey);

        (await Status(anonymous, HttpMethod.Post, "/api/v1/ingest", Event)).Should().Be(HttpStatusCode.Unauthorized);
        (await Status(ingest, HttpMethod.Post, "/api/v1/ingest", Event)).Should().Be(HttpStatusCode.OK);
        (await Status(ingest, HttpMethod.Get, "/api/v1/runs")).Should().Be(HttpStatusCode.Forbidden);
        (await Status(ingest, HttpMethod.Get, "/")).Should().Be(HttpStatusCode.Forbidden);
        (await Status(viewer, HttpMethod.Post, "/api/v1/ingest", Event)).Should().Be(HttpStatusCode.Forbidden);
        (await Status(viewer, HttpMethod.Get, "/api/v1/runs")).Should().Be(HttpStatusCode.OK);
        (await Status(viewer, HttpMethod.Get, "/api/v1/runs/r1/metrics")).Should().Be(HttpStatusCode.OK);
        (await Status(viewer, HttpMethod.Get, "/api/v1/settings/keys")).Should().Be(HttpStatusCode.Forbidden);
        (await Status(viewer, HttpMethod.Delete, "/api/v1/runs/r1")).Should().Be(HttpStatusCode.Forbidden);
        (await Status(viewer, HttpMethod.Get, "/settings/keys")).Should().Be(HttpStatusCode.Forbidden);
        (await Status(admin, HttpMethod.Get, "/api/v1/settings/keys")).Should().Be(HttpStatusCode.OK);
        (await Status(admin, HttpMethod.Get, "/settings/keys")).Should().Be(HttpStatusCode.OK);
        (await Status(admin, HttpMethod.Delete, "/api/v1/runs/r1")).Should().Be(HttpStatusCode.NoContent);
        (await Status(admin, HttpMethod.Get, "/api/v1/runs/r1/metrics")).Should().Be(HttpStatusCode.NotFound);
        (await Status(anonymous, HttpMethod.Get, "/healthz")).Should().Be(HttpStatusCode.OK);
        (await Status(anonymous, HttpMethod.Get, "/login")).Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Bearer_AndUnknownKey_AreTellApart()
    {
        await using var factory = SecuredDashboard.Create();
        using var http = factory.CreateHttpClient();

        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/v1/runs");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecuredDashboard.ViewerKey);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/v1/runs");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecuredDashboard.ViewerKey + "x");
        using var browserTokenAsKey = new HttpRequestMessage(HttpMethod.Get, "/api/v1/runs");
        browserTokenAsKey.Headers.Add("X-Api-Key", SecuredDashboard.BrowserToken);

        (await http.SendAsync(bearer)).StatusCode.Should().Be(HttpStatusCode.OK);
        var refused = await http.SendAsync(wrong);
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        refused.Headers.WwwAuthenticate.ToString().Should().Contain("Bearer");
        (await http.SendAsync(browserTokenAsKey)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Page_Anonymous_RedirectsToLogin()
    {
        await using var factory = SecuredDashboard.Create();
        var (browser, _) = SecuredDashboard.Browser(factory);

        using var response = await browser.GetAsync("/settings/keys");

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Be("/login?returnUrl=%2Fsettings%2Fkeys");
    }

    [Fact]
    public async Task Responses_Always_CarrySecurityHeaders()
    {
        await using var factory = SecuredDashboard.Create();
        using var http = factory.CreateHttpClient();

        foreach (var path in new[] { "/login", "/api/v1/runs", "/css/site.css", "/healthz", "/no-such-page" })
        {
            using var response = await http.GetAsync(path);
            var csp = response.Headers.GetValues("Content-Security-Policy").Single();
            csp.Should().Contain("script-src 'self';").And.Contain("frame-ancestors 'none'").And.NotContain("script-src 'self' 'unsafe-inline'");
            response.Headers.GetValues("X-Content-Type-Options").Single().Should().Be("nosniff");
            response.Headers.GetValues("X-Frame-Options").Single().Should().Be("DENY");
        }
    }

    [Fact]
    public async Task StaticFiles_RevalidatedEachTime_UnchangedAnswers304()
    {
        await using var factory = SecuredDashboard.Create();
        using var http = factory.CreateHttpClient();

        foreach (var path in new[] { "/js/apex-interop.js", "/css/site.css", "/lib/apexcharts/apexcharts.min.js", "/_framework/blazor.web.js" })
        {
            using var first = await http.GetAsync(path);
            first.StatusCode.Should().Be(HttpStatusCode.OK, path);
            first.Headers.CacheControl!.NoCache.Should().BeTrue(path);
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
            using var revalidated = await http.SendAsync(again);
            revalidated.StatusCode.Should().Be(HttpStatusCode.NotModified, path);
        }
    }

    [Fact]
    public async Task CreatedKey_IsShownOnce_StoredAsHash_AndRevocable()
    {
        await using var factory = SecuredDashboard.Create();
        using var admin = SecuredDashboard.Client(factory, SecuredDashboard.AdminKey);

        using var created = await admin.PostAsync("/api/v1/settings/keys", Json.Content(new { name = "ci", role = "viewer" }));
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await Json.ReadAsync(created);
        var key = body.GetProperty("key").GetString()!;
        var id = body.GetProperty("info").GetProperty("id").GetString()!;
        key.Length.Should().BeGreaterThanOrEqualTo(43, "256 random bits in base64url");
        using var viewer = SecuredDashboard.Client(factory, key);
        (await viewer.GetAsync("/api/v1/runs")).StatusCode.Should().Be(HttpStatusCode.OK);
        var listing = await (await admin.GetAsync("/api/v1/settings/keys")).Content.ReadAsStringAsync();
        listing.Should().NotContain(key);
        var secretPart = key.Substring(5, 15);
        StoredKeyColumns(factory.DatabasePath).Should().NotContain(v => v.Contains(secretPart));

        (await admin.DeleteAsync($"/api/v1/settings/keys/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await viewer.GetAsync("/api/v1/runs")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await admin.PostAsync("/api/v1/settings/keys", Json.Content(new { name = "x", role = "root" }))).StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task RateLimit_PerKey_Answers429WithRetryAfter()
    {
        await using var factory = SecuredDashboard.Create(new Dictionary<string, string?>
        {
            ["Auth:RateLimitPerSecond"] = "1",
            ["Auth:RateLimitBurst"] = "3",
        });
        using var viewer = SecuredDashboard.Client(factory, SecuredDashboard.ViewerKey);
        using var admin = SecuredDashboard.Client(factory, SecuredDashboard.AdminKey);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await viewer.GetAsync("/api/v1/runs");
            statuses.Add(response.StatusCode);
            limited ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        statuses.Should().Contain(HttpStatusCode.TooManyRequests);
        limited!.Headers.RetryAfter.Should().NotBeNull();
        limited.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await admin.GetAsync("/api/v1/runs")).StatusCode.Should().Be(HttpStatusCode.OK, "each key has its own bucket");
    }

    [Fact]
    public async Task ModeNone_AllowsEverything()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();

        (await Status(http, HttpMethod.Post, "/api/v1/ingest", Event)).Should().Be(HttpStatusCode.OK);
        (await Status(http, HttpMethod.Get, "/api/v1/settings/keys")).Should().Be(HttpStatusCode.OK);
    }

    internal static async Task<HttpStatusCode> Status(HttpClient http, HttpMethod method, string path, object? ingestEvent = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (ingestEvent is not null)
        {
            request.Content = Json.Content(new { run = "r1", events = new[] { ingestEvent } });
        }
        using var response = await http.SendAsync(request);
        if ((int)response.StatusCode >= 400 && response.StatusCode != HttpStatusCode.NotFound)
        {
            response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        }
        return response.StatusCode;
    }

    private static List<string> StoredKeyColumns(string databasePath)
    {
        if (TestPostgres.IsProvider && !File.Exists(databasePath))
        {
            using var pg = new Npgsql.NpgsqlConnection(TestPostgres.Database(databasePath));
            pg.Open();
            using var command = new Npgsql.NpgsqlCommand("SELECT name || '|' || prefix || '|' || upper(encode(hash, 'hex')) FROM api_keys", pg);
            using var pgReader = command.ExecuteReader();
            var pgRows = new List<string>();
            while (pgReader.Read())
            {
                pgRows.Add(pgReader.GetString(0));
            }
            return pgRows;
        }
        using var connection = new SqliteConnection($"Data Source={databasePath};Mode=ReadOnly");
        connection.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT name || '|' || prefix || '|' || hex(hash) FROM api_keys";
        using var reader = select.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
