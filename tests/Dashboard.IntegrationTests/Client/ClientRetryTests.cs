using System.Net;
using System.Net.Sockets;
using Dashboard.Client;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Client;

public sealed class ClientRetryTests : HostedTest
{
    // Retry-After is whole seconds; the clocks of the two attempts are read a little apart from the waits.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task Send_503AfterStoring_RetriedAfterRetryAfterAndStoredOnce()
    {
        // The first batch reaches the host and is stored, but its answer is lost behind a 503: the retry
        // carries the same event ids, so the host acknowledges duplicates instead of storing twice.
        var handler = new ScriptedHandler(async (attempt, forward) =>
        {
            var response = await forward();
            if (attempt > 1)
            {
                return response;
            }
            response.Dispose();
            return ScriptedHandler.Answer(HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(1));
        });
        using var http = new HttpClient(handler);
        await using var client = ClientTestRun.Create(Factory, "lost-ack", http);

        for (var i = 0; i < 30; i++)
        {
            await client.TrackGenerationAsync(ClientTestRun.Generation(i));
        }
        client.RecordMetric("custom", 1);
        await client.FlushAsync();

        (await client.GetStatsAsync("generation_time")).Count.Should().Be(30);
        (await client.GetStatsAsync("custom")).Count.Should().Be(1);
        client.Status.Should().BeEquivalentTo(new DeliveryStatus(Sent: 0, Duplicates: 31, Failed: 0, Retries: 1, LastFailure: null));
        var attempts = handler.Ingests.ToArray();
        attempts.Should().HaveCount(2);
        (attempts[1].At - attempts[0].At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1) - Slack, "Retry-After: 1 is honoured");
    }

    [Fact]
    public async Task Send_429TwiceWithRetryAfter_DeliveredOnThirdAttempt()
    {
        var handler = new ScriptedHandler((attempt, forward) => attempt <= 2
            ? Task.FromResult(ScriptedHandler.Answer(HttpStatusCode.TooManyRequests, TimeSpan.FromSeconds(1)))
            : forward());
        using var http = new HttpClient(handler);
        await using var client = ClientTestRun.Create(Factory, "throttled", http);

        for (var i = 0; i < 12; i++)
        {
            await client.TrackGenerationAsync(ClientTestRun.Generation(i));
        }
        await client.FlushAsync();

        (await client.GetStatsAsync("generation_time")).Count.Should().Be(12);
        client.Status.Should().BeEquivalentTo(new DeliveryStatus(Sent: 12, Duplicates: 0, Failed: 0, Retries: 2, LastFailure: null));
        var attempts = handler.Ingests.ToArray();
        attempts.Select(a => a.Events).Should().Equal(12, 12, 12);
        (attempts[2].At - attempts[0].At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2) - Slack);
    }

    [Fact]
    public async Task Send_HostQueueFull_RetriedUntilStoredOnce()
    {
        // The real host with a one-request queue: parallel clients overflow it and get its own 503 + Retry-After.
        await using var host = new DashboardFactory(settings: new Dictionary<string, string?> { ["Ingest:QueueCapacity"] = "1" });
        var clients = Enumerable.Range(0, 8).Select(i => ClientTestRun.Create(host, $"crowd-{i % 2}", batchSize: 20, maxAttempts: 50)).ToList();

        await Task.WhenAll(clients.Select(async client =>
        {
            for (var i = 0; i < 200; i++)
            {
                await client.TrackGenerationAsync(ClientTestRun.Generation(i));
            }
            await client.FlushAsync();
        }));

        await using var queries0 = new DashboardQueries(host.BaseAddress, "crowd-0");
        await using var queries1 = new DashboardQueries(host.BaseAddress, "crowd-1");
        (await queries0.GetStatsAsync("generation_time")).Count.Should().Be(800);
        (await queries1.GetStatsAsync("generation_time")).Count.Should().Be(800);
        clients.Sum(c => c.Status.Retries).Should().BeGreaterThan(0, "the host's queue overflowed at least once");
        clients.Sum(c => c.Status.Failed).Should().Be(0);
        clients.Sum(c => c.Status.Sent + c.Status.Duplicates).Should().Be(1600);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Send_InvalidEvent_ReportedAsRefusedWithoutThrowing()
    {
        var failures = new List<DeliveryFailure>();
        await using var client = ClientTestRun.Create(Factory, "refused");
        client.DeliveryFailed += (_, f) => failures.Add(f);

        await client.EnqueueAsync(new LogEvent { Level = "fatal", Message = "no such level" });
        await client.FlushAsync();
        await client.EnqueueAsync(new LogEvent { Level = "fatal", Message = "bad" });
        await client.TrackGenerationAsync(ClientTestRun.Generation(1));
        await client.FlushAsync();

        failures.Should().HaveCount(2);
        failures[0].Should().Match<DeliveryFailure>(f => f.Kind == DeliveryFailureKind.Refused && f.StatusCode == 400 && f.Events == 1);
        failures[1].Should().Match<DeliveryFailure>(f => f.Kind == DeliveryFailureKind.PartlyRefused && f.StatusCode == 207 && f.Events == 1);
        failures[1].Message.Should().Contain("level");
        client.Status.Should().Match<DeliveryStatus>(s => s.Sent == 1 && s.Failed == 2 && s.Retries == 0);
    }

    [Fact]
    public async Task Send_DashboardDown_GivesUpReportsAndDisposesQuietly()
    {
        var port = FreePort();
        var failures = new List<DeliveryFailure>();
        var client = new DashboardClient(new DashboardClientOptions
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Run = "nowhere",
            MaxAttempts = 3,
            InitialRetryDelay = TimeSpan.FromMilliseconds(10),
        });
        client.DeliveryFailed += (_, f) => failures.Add(f);

        client.RecordMetric("m", 1);
        client.LogError("lost");
        await client.DisposeAsync();
        client.RecordMetric("after", 1);

        failures.Should().HaveCount(2);
        failures[0].Should().Match<DeliveryFailure>(f => f.Kind == DeliveryFailureKind.GaveUp && f.Events == 2 && f.StatusCode == null);
        failures[0].Message.Should().Contain("after 3 attempts");
        failures[1].Kind.Should().Be(DeliveryFailureKind.NotDeliveredAtShutdown);
        client.Status.Should().Match<DeliveryStatus>(s => s.Failed == 3 && s.Retries == 2 && s.Sent == 0);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
