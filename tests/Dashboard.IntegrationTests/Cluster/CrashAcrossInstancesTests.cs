using System.Net;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;
using Npgsql;
using Xunit.Abstractions;

namespace Dashboard.IntegrationTests.Cluster;

/// <summary>
/// Two real processes on one PostgreSQL store: one is killed with SIGKILL while clients post to it, and every event it
/// acknowledged (answered 2xx) is stored and readable through the survivor.
/// </summary>
public sealed class CrashAcrossInstancesTests(ITestOutputHelper output)
{
    [PostgresFact]
    public async Task KillHard_OneInstanceUnderLoad_EveryAcknowledgedEventReadableFromTheOther()
    {
        await using var postgres = ClusterDatabase.Create();
        await using var survivor = await DashboardProcess.StartAsync(TempFiles.NewDatabasePath(), Args(postgres, "survivor"));
        await using var victim = await DashboardProcess.StartAsync(TempFiles.NewDatabasePath(), Args(postgres, "victim"));
        var toVictim = new AckLoader(victim.Address, "v", workers: 4);
        var toSurvivor = new AckLoader(survivor.Address, "s", workers: 2);
        using var stop = new CancellationTokenSource();
        var loads = Task.WhenAll(toVictim.RunAsync(stop.Token), toSurvivor.RunAsync(stop.Token));
        await WaitFor.ConditionAsync(() => toVictim.Acknowledged.Count >= 2_000, TimeSpan.FromSeconds(60), "the victim acknowledges events under load");

        victim.KillHard();
        var before = toSurvivor.Acknowledged.Count;
        await WaitFor.ConditionAsync(() => toSurvivor.Acknowledged.Count >= before + 500, TimeSpan.FromSeconds(30), "the survivor keeps taking events");
        await stop.CancelAsync();
        await loads;

        var acknowledged = toVictim.Acknowledged.Concat(toSurvivor.Acknowledged).ToHashSet(StringComparer.Ordinal);
        output.WriteLine($"acknowledged {toVictim.Acknowledged.Count} by the victim, {toSurvivor.Acknowledged.Count} by the survivor; statuses at the victim: "
            + string.Join(", ", toVictim.Statuses.Select(s => $"{s.Key}: {s.Value}")));
        var stored = await StoredEventIdsAsync(postgres);
        acknowledged.Except(stored).Should().BeEmpty("every event answered 2xx was committed before its answer");
        using var http = new HttpClient { BaseAddress = survivor.Address };
        foreach (var run in stored.Select(RunOf).Distinct())
        {
            // Each event of the loader is one "load" point: the survivor reads every stored event of the run.
            var stats = await Json.GetAsync(http, $"/api/v1/runs/{run}/stats?name=load&window=all");
            stats.GetProperty("count").GetInt64().Should().Be(stored.Count(id => RunOf(id) == run), run);
        }
        acknowledged.Select(RunOf).Distinct().Should().HaveCount(4, "the loaders' four runs (the victim's and the survivor's workers share them)");
    }

    [PostgresFact]
    public async Task DeleteRun_OnA_BForgetsItsQuotaAndStoresTheNameAnew()
    {
        await using var postgres = ClusterDatabase.Create();
        var oneRun = new Dictionary<string, string?> { ["Ingest:MaxRuns"] = "1" };
        await using var a = new DashboardFactory(settings: ClusterInstances.Settings(postgres, "a", oneRun));
        await using var b = new DashboardFactory(settings: ClusterInstances.Settings(postgres, "b", oneRun));
        await ClusterInstances.WaitListeningAsync(a, b);
        using var httpA = a.CreateHttpClient();
        using var httpB = b.CreateHttpClient();
        (await Json.PostIngestAsync(httpB, "first", new { type = "metric", name = "loss", value = 1.0 })).EnsureSuccessStatusCode();
        (await Json.PostIngestAsync(httpB, "second", new { type = "metric", name = "loss", value = 1.0 })).StatusCode
            .Should().Be(HttpStatusCode.Conflict, "B holds one run, the most Ingest:MaxRuns allows");

        (await httpA.DeleteAsync("/api/v1/runs/first")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        await WaitFor.ConditionAsync(async () =>
            (await Json.PostIngestAsync(httpB, "first", new { type = "metric", name = "loss", value = 2.0 })).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "B hears of the deletion and takes the name again");
        (await Json.PostIngestAsync(httpB, "first", new { type = "metric", name = "loss", value = 3.0 })).EnsureSuccessStatusCode();
        var stats = await Json.GetAsync(httpA, "/api/v1/runs/first/stats?name=loss&window=all");
        stats.GetProperty("count").GetInt64().Should().Be(2, "the run was stored anew by B's writer, not under the deleted id");
        stats.GetProperty("min").GetDouble().Should().Be(2.0);
    }

    private static string RunOf(string id) => "soak-" + id.Split('-')[1];

    private static string[] Args(ClusterDatabase postgres, string name) =>
    [
        "--Storage:Provider=PostgreSQL", $"--ConnectionStrings:Dashboard={postgres.ConnectionString}", $"--Cluster:InstanceId={name}",
        "--Auth:RateLimitPerSecond=0",
    ];

    private static async Task<HashSet<string>> StoredEventIdsAsync(ClusterDatabase postgres)
    {
        await using var connection = new NpgsqlConnection(postgres.ConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT event_id FROM event_ids", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }
}
