using Dashboard.Storage.Sqlite;
using System.Net;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Dashboard.IntegrationTests.Security;

public sealed class CrashSafetyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillHard_UnderLoad_EveryAcknowledgedEventSurvives()
    {
        var path = TempFiles.NewDatabasePath();
        var acknowledged = new HashSet<string>(StringComparer.Ordinal);
        var requests = 0;
        for (var round = 0; round < 3; round++)
        {
            await using var dashboard = await DashboardProcess.StartAsync(path);
            DashboardProcess.StoredEventIds(path).IsSupersetOf(acknowledged).Should().BeTrue($"restart {round} keeps every acknowledged id");
            var loader = new AckLoader(dashboard.Address, $"k{round}");
            using var stop = new CancellationTokenSource();
            var load = loader.RunAsync(stop.Token);
            await WaitFor.ConditionAsync(() => loader.Acknowledged.Count >= 2_000, TimeSpan.FromSeconds(30), "load acknowledged");

            dashboard.KillHard();
            stop.Cancel();
            await load;

            acknowledged.UnionWith(loader.Acknowledged);
            requests += loader.Requests;
        }
        await using var last = await DashboardProcess.StartAsync(path);
        var stored = DashboardProcess.StoredEventIds(path);

        acknowledged.Except(stored).Should().BeEmpty("a 2xx means committed");
        output.WriteLine($"kill -9 x3: {acknowledged.Count} acknowledged events in {requests} requests, all {stored.Count} stored ids checked");
    }

    [Fact]
    public async Task Sigterm_UnderLoad_DrainsCommitsAndExits()
    {
        var path = TempFiles.NewDatabasePath();
        var dashboard = await DashboardProcess.StartAsync(path);
        var loader = new AckLoader(dashboard.Address, "t");
        using var stop = new CancellationTokenSource();
        var load = loader.RunAsync(stop.Token);
        await WaitFor.ConditionAsync(() => loader.Acknowledged.Count >= 2_000, TimeSpan.FromSeconds(30), "load acknowledged");

        dashboard.SendSigterm();
        var exited = await dashboard.WaitForExitAsync(TimeSpan.FromSeconds(30));
        stop.Cancel();
        await load;

        exited.Should().BeTrue("the host stops within its 30 s shutdown timeout");
        dashboard.ExitCode.Should().Be(0, dashboard.Output);
        var stored = DashboardProcess.StoredEventIds(path);
        loader.Acknowledged.Except(stored).Should().BeEmpty("nothing acknowledged is lost on SIGTERM");
        loader.Statuses.Keys.Should().OnlyContain(s => s == 0 || s == 200 || s == 503, "refused, committed, or 503 while draining");
        output.WriteLine($"SIGTERM: {loader.Acknowledged.Count} acknowledged, statuses {string.Join(", ", loader.Statuses.Select(kv => $"{kv.Key}:{kv.Value}"))}");
        await dashboard.DisposeAsync();
    }

    [SqliteFact]
    public async Task DatabaseLocked_Answers503ThenRecoversWithoutRestart()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Storage:BusyTimeoutMilliseconds"] = "200" });
        using var http = factory.CreateHttpClient();
        (await Post(http, "before")).StatusCode.Should().Be(HttpStatusCode.OK);

        HttpResponseMessage locked;
        using (var holder = new SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False"))
        {
            holder.Open();
            using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE; INSERT INTO metric_names (name) VALUES ('lock-holder');";
            begin.ExecuteNonQuery();

            locked = await Post(http, "during");
            (await http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);

            using var rollback = holder.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }
        var after = await Post(http, "after");

        locked.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        locked.Headers.RetryAfter.Should().NotBeNull();
        locked.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        after.StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        var stored = DashboardProcess.StoredEventIds(factory.DatabasePath);
        stored.Should().Contain(["before", "after"]).And.NotContain("during");
    }

    [SqliteFact]
    public async Task DatabaseFull_Answers503ThenRecoversWhenSpaceIsFreed()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Storage:MaxDatabaseMegabytes"] = "1" });
        using var http = factory.CreateHttpClient();
        var filler = new string('x', 8_000);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? full = null;
        for (var i = 0; i < 400 && full is null; i++)
        {
            var events = Enumerable.Range(0, 10).Select(j => new { type = "metric", id = $"f{i}-{j}", name = "m", value = 1, metadata = new { filler } });
            var response = await http.PostAsync("/api/v1/ingest", Json.Content(new { run = "filler", events }));
            statuses.Add(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                full = response;
            }
        }

        full.Should().NotBeNull("a 1 MB cap fills within 400 requests of 80 KB");
        full!.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        full.Headers.RetryAfter.Should().NotBeNull();
        (await http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var acknowledged = statuses.Count(s => s == HttpStatusCode.OK) * 10;
        StoredPoints.Count(factory.DatabasePath, "SELECT COUNT(*) FROM points").Should().Be(acknowledged, "every 200 is stored and the 503 is not");

        (await http.DeleteAsync("/api/v1/runs/filler")).EnsureSuccessStatusCode();
        // The delete is answered once the run is marked; its points (the space) are purged moments later.
        HttpResponseMessage after = null!;
        await WaitFor.ConditionAsync(async () => (after = await Post(http, "after-free")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(15), "space freed by the background purge");

        after.StatusCode.Should().Be(HttpStatusCode.OK);
        (await http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        DashboardProcess.StoredEventIds(factory.DatabasePath).Should().Contain("after-free");
    }

    [SqliteFact]
    public async Task DatabaseReadOnly_Answers503ThenRecoversWithoutRestart()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Storage:BusyTimeoutMilliseconds"] = "200" });
        using var http = factory.CreateHttpClient();
        (await Post(http, "before")).StatusCode.Should().Be(HttpStatusCode.OK);
        // The tests run as root, who writes a 0444 file anyway; the immutable attribute stops root too.
        var files = new[] { factory.DatabasePath, factory.DatabasePath + "-wal" };

        HttpResponseMessage readOnly;
        Chattr("+i", files);
        try
        {
            readOnly = await Post(http, "during");
        }
        finally
        {
            Chattr("-i", files);
        }
        var after = await Post(http, "after");

        readOnly.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        readOnly.Headers.RetryAfter.Should().NotBeNull();
        after.StatusCode.Should().Be(HttpStatusCode.OK);
        DashboardProcess.StoredEventIds(factory.DatabasePath).Should().Contain(["before", "after"]).And.NotContain("during");
    }

    private static void Chattr(string flag, string[] files)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("chattr", [flag, .. files])
        {
            RedirectStandardError = true,
        })!;
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"chattr {flag} needs root and ext4: {process.StandardError.ReadToEnd()}");
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string id) =>
        http.PostAsync("/api/v1/ingest", Json.Content(new { run = "lock", events = new[] { new { type = "metric", id, name = "m", value = 1 } } }));
}

public sealed class SynchronousModeTests
{
    [SqliteTheory]
    [InlineData("Normal", 1)]
    [InlineData("Full", 2)]
    public async Task StorageSynchronous_IsAppliedToEveryConnection(string mode, long expected)
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Storage:Synchronous"] = mode });
        _ = factory.BaseAddress;
        using var connection = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetRequiredService<Dashboard.Storage.Sqlite.SqliteConnectionFactory>(factory.Services).Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA synchronous; ";
        var synchronous = (long)pragma.ExecuteScalar()!;
        pragma.CommandText = "PRAGMA journal_mode;";

        synchronous.Should().Be(expected);
        ((string)pragma.ExecuteScalar()!).Should().Be("wal");
    }
}
