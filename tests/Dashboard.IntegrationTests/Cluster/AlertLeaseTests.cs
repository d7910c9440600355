using System.Text.Json;
using Dashboard.Cluster;
using Dashboard.IntegrationTests.Alerts;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Dashboard.IntegrationTests.Cluster;

/// <summary>The alert lease: one holder among the instances, handed over when the holder's session or process dies.</summary>
public sealed class AlertLeaseTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task CheckAsync_TwoInstances_OneHoldsUntilItsSessionEnds()
    {
        await using var postgres = ClusterDatabase.Create();
        var a = Lease(postgres, "lease-a");
        var b = Lease(postgres, "lease-b");

        await a.CheckAsync(CancellationToken.None);
        await b.CheckAsync(CancellationToken.None);
        var before = (a.IsLeader, b.IsLeader);
        (await postgres.TerminateSessionsAsync("lease lease-a")).Should().Be(1);
        // pg_terminate_backend only signals the backend: the lock goes when that process has exited.
        await WaitFor.ConditionAsync(async () =>
        {
            await b.CheckAsync(CancellationToken.None);
            return b.IsLeader;
        }, TimeSpan.FromSeconds(10), "B takes the lock A's session held");
        await a.CheckAsync(CancellationToken.None);
        await a.CheckAsync(CancellationToken.None);
        var after = (a.IsLeader, b.IsLeader);

        before.Should().Be((true, false));
        after.Should().Be((false, true), "the lock went with A's session, and A steps down when its check fails");
        await a.StopAsync(CancellationToken.None);
        await b.StopAsync(CancellationToken.None);
    }

    [PostgresFact]
    public async Task KillHard_LeaseHolder_TheOtherProcessTakesTheLease()
    {
        await using var postgres = ClusterDatabase.Create();
        var processes = new List<DashboardProcess>();
        try
        {
            foreach (var name in new[] { "p1", "p2" })
            {
                processes.Add(await DashboardProcess.StartAsync(TempFiles.NewDatabasePath(), ProcessArgs(postgres, name)));
            }
            DashboardProcess? holder = null;
            await WaitFor.ConditionAsync(() => (holder = processes.SingleOrDefault(p => HoldsLease(p))) is not null,
                TimeSpan.FromSeconds(15), "one process takes the lease");
            var other = processes.Single(p => p != holder);

            holder!.KillHard();
            var killedAt = DateTime.UtcNow;

            await WaitFor.ConditionAsync(() => HoldsLease(other), TimeSpan.FromSeconds(15), "the survivor takes the lease");
            output.WriteLine($"lease handed over {(DateTime.UtcNow - killedAt).TotalMilliseconds:F0} ms after kill -9");
            processes.Count(HoldsLease).Should().Be(2, "the killed one had it, the survivor has it now");
        }
        finally
        {
            foreach (var p in processes)
            {
                await p.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task KillHard_LeaseHolderOfOneStore_SurvivorEvaluatesAndSendsTheWebhook()
    {
        await using var postgres = ClusterDatabase.Create();
        await using var webhooks = await WebhookListener.StartAsync();
        var processes = new List<DashboardProcess>();
        try
        {
            foreach (var name in new[] { "p1", "p2" })
            {
                processes.Add(await DashboardProcess.StartAsync(TempFiles.NewDatabasePath(), [.. ProcessArgs(postgres, name), "--Alerts:IntervalSeconds=1"]));
            }
            DashboardProcess? holder = null;
            await WaitFor.ConditionAsync(() => (holder = processes.SingleOrDefault(p => HoldsLease(p))) is not null,
                TimeSpan.FromSeconds(15), "one process takes the lease");
            var survivor = processes.Single(p => p != holder);
            using var http = new HttpClient { BaseAddress = survivor.Address, Timeout = TimeSpan.FromSeconds(60) };
            await AddWebhookAsync(http, new Uri(webhooks.BaseAddress, "hook"));

            holder!.KillHard();
            await WaitFor.ConditionAsync(() => HoldsLease(survivor), TimeSpan.FromSeconds(15), "the survivor takes the lease");
            var failures = Enumerable.Range(0, 30).Select(_ => (object)new { type = "generation", duration = 1.2, success = false, error = "timeout" }).ToArray();
            (await Json.PostIngestAsync(http, "after-kill", failures)).EnsureSuccessStatusCode();

            await WaitFor.ConditionAsync(() => Firing(webhooks, "after-kill") >= 1, TimeSpan.FromSeconds(30), "the survivor evaluates and fires");
            var alerts = await Json.GetAsync(http, "/api/v1/alerts?run=after-kill");
            alerts.EnumerateArray().Count(x => x.GetProperty("rule").GetString() == "low_success_rate").Should().Be(1);
        }
        finally
        {
            foreach (var p in processes)
            {
                await p.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task FailingRuns_TwoInstancesOneStore_OneAlertAndOneWebhookPerFiring()
    {
        await using var postgres = ClusterDatabase.Create();
        await using var webhooks = await WebhookListener.StartAsync();
        var fast = new Dictionary<string, string?> { ["Alerts:IntervalSeconds"] = "1" };
        await using var a = new DashboardFactory(settings: ClusterInstances.Settings(postgres, "a", fast));
        await using var b = new DashboardFactory(a.DatabasePath, ClusterInstances.Settings(postgres, "b", fast));
        await ClusterInstances.WaitListeningAsync(a, b);
        using var httpA = a.CreateHttpClient();
        using var httpB = b.CreateHttpClient();
        await AddWebhookAsync(httpA, new Uri(webhooks.BaseAddress, "hook"));
        var failures = Enumerable.Range(0, 30).Select(_ => (object)new { type = "generation", duration = 1.2, success = false, error = "timeout" }).ToArray();

        (await Json.PostIngestAsync(httpA, "failing-1", failures)).EnsureSuccessStatusCode();
        await WaitFor.ConditionAsync(() => Firing(webhooks, "failing-1") >= 1, TimeSpan.FromSeconds(20), "the first run fires");
        (await Json.PostIngestAsync(httpB, "failing-2", failures)).EnsureSuccessStatusCode();
        // The second firing comes at least one evaluation later: a duplicate of the first would have arrived by then.
        await WaitFor.ConditionAsync(() => Firing(webhooks, "failing-2") >= 1, TimeSpan.FromSeconds(20), "the second run fires");

        Firing(webhooks, "failing-1").Should().Be(1);
        Firing(webhooks, "failing-2").Should().Be(1);
        foreach (var run in new[] { "failing-1", "failing-2" })
        {
            var alerts = await Json.GetAsync(httpB, $"/api/v1/alerts?run={run}");
            alerts.EnumerateArray().Count(x => x.GetProperty("rule").GetString() == "low_success_rate").Should().Be(1, "one alert per firing");
        }
        new[] { a, b }.Count(f => ((ILeadership)f.Services.GetService(typeof(ILeadership))!).IsLeader).Should().Be(1);
    }

    private static int Firing(WebhookListener webhooks, string run) => webhooks.At("/hook").Count(body =>
        body.GetProperty("rule").GetString() == "low_success_rate" && body.GetProperty("state").GetString() == "firing"
        && body.GetProperty("run").GetString() == run);

    private static async Task AddWebhookAsync(HttpClient http, Uri url)
    {
        var settings = await Json.GetAsync(http, "/api/v1/settings/alerts");
        var document = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(settings.GetRawText())!;
        document["webhooks"] = JsonSerializer.SerializeToElement(new[] { new { url = url.ToString(), format = "json", enabled = true } });
        (await http.PutAsync("/api/v1/settings/alerts", Json.Content(document))).EnsureSuccessStatusCode();
    }

    private static bool HoldsLease(DashboardProcess process) => process.Output.Contains("holds the alert lease", StringComparison.Ordinal);

    // Both processes store in the one PostgreSQL database and hold the lease there, as instances behind a proxy do.
    private static string[] ProcessArgs(ClusterDatabase postgres, string name) =>
    [
        "--Storage:Provider=PostgreSQL", $"--ConnectionStrings:Dashboard={postgres.ConnectionString}",
        $"--Cluster:ConnectionString={postgres.ConnectionString}", $"--Cluster:InstanceId={name}", "--Cluster:LeaseCheckSeconds=1",
        "--Logging:LogLevel:Dashboard.Cluster=Information",
    ];

    private static ClusterLease Lease(ClusterDatabase postgres, string name) => new(
        new ClusterConnection(postgres.ConnectionString, name), Options.Create(new ClusterOptions()), TimeProvider.System,
        NullLogger<ClusterLease>.Instance);
}
