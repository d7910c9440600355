using System.Net;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;

namespace Dashboard.IntegrationTests.Cluster;

/// <summary>Two instances on one PostgreSQL store (Storage:Provider=PostgreSQL): what one writes, the other serves.</summary>
public sealed class SharedStoreAcrossInstancesTests
{
    [PostgresFact]
    public async Task KeySessionSettingsAndSilence_MadeOnA_HoldOnB()
    {
        await using var postgres = ClusterDatabase.Create();
        var store = new Dictionary<string, string?> { ["Storage:Provider"] = "PostgreSQL", ["ConnectionStrings:Dashboard"] = postgres.ConnectionString };
        await using var a = SecuredDashboard.Create(ClusterInstances.Settings(postgres, "a", store));
        await using var b = SecuredDashboard.Create(ClusterInstances.Settings(postgres, "b", store), a.DatabasePath);
        await ClusterInstances.WaitListeningAsync(a, b);
        using var adminA = SecuredDashboard.Client(a, SecuredDashboard.AdminKey);
        using var adminB = SecuredDashboard.Client(b, SecuredDashboard.AdminKey);

        using var created = await adminA.PostAsync("/api/v1/settings/keys", Json.Content(new { name = "made on a", role = "ingest" }));
        var key = (await Json.ReadAsync(created)).GetProperty("key").GetString();
        using var ingestB = SecuredDashboard.Client(b, key);
        await WaitFor.ConditionAsync(async () => (await Json.PostIngestAsync(ingestB, "shared-run", new { type = "generation", duration = 1.0, success = true }))
            .StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10), "B accepts the key A created");

        var settings = await Json.GetAsync(adminA, "/api/v1/settings/alerts");
        var document = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(settings.GetRawText())!;
        document["baselines"] = JsonSerializer.SerializeToElement(new[] { new { pipeline = "etl-shared", seconds = 12.5 } });
        (await adminA.PutAsync("/api/v1/settings/alerts", Json.Content(document))).EnsureSuccessStatusCode();
        using var silenced = await adminA.PostAsync("/api/v1/silences", Json.Content(new { run = "shared-run", duration = "1h", reason = "maintenance" }));
        silenced.EnsureSuccessStatusCode();
        var (browser, cookies) = SecuredDashboard.Browser(a);
        using (browser)
        {
            (await browser.GetAsync($"/login?t={SecuredDashboard.BrowserToken}")).StatusCode.Should().Be(HttpStatusCode.Found);
        }
        // The session cookie of A, presented to B (a load balancer may send the next request anywhere).
        using var onB = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = b.BaseAddress };
        using var keysPage = new HttpRequestMessage(HttpMethod.Get, "/settings/keys");
        keysPage.Headers.Add("Cookie", cookies.GetCookieHeader(a.BaseAddress));
        using var anonymous = await onB.GetAsync("/settings/keys");
        using var withSession = await onB.SendAsync(keysPage);

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        anonymous.StatusCode.Should().NotBe(HttpStatusCode.OK, "without the cookie B asks for a login");
        withSession.StatusCode.Should().Be(HttpStatusCode.OK, "B reads the session A stored");
        (await Json.GetAsync(adminB, "/api/v1/settings/alerts")).GetProperty("baselines")[0].GetProperty("pipeline").GetString().Should().Be("etl-shared");
        var silences = await Json.GetAsync(adminB, "/api/v1/silences?state=active");
        silences.EnumerateArray().Select(s => s.GetProperty("run").GetString()).Should().Equal("shared-run");
        (await Json.GetAsync(adminB, "/api/v1/settings/keys")).EnumerateArray().Select(k => k.GetProperty("name").GetString())
            .Should().Contain("made on a");
        var runs = await Json.GetAsync(adminA, "/api/v1/runs");
        runs.GetRawText().Should().Contain("shared-run", "B's write went to the one store A reads");
    }
}
