using System.Net;
using System.Text;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.IntegrationTests.Security;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Dashboard.IntegrationTests.Runs;

/// <summary>Deleting a run is all-or-nothing for the user: gone at once, name and event ids free, purge resumed after a crash.</summary>
public sealed class RunDeletionTests(ITestOutputHelper output)
{
    private const int Batches = 10;
    private const int EventsPerBatch = 10_000;

    [Fact]
    public async Task DeleteRun_Answered_RunGoneAtOnceAndItsEventIdsReusable()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        await PostBatchAsync(http, "doomed", 0, 2_000);
        await PostBatchAsync(http, "kept", 0, 10);

        (await http.DeleteAsync("/api/v1/runs/doomed")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        var runs = (await Json.GetAsync(http, "/api/v1/runs")).ToString();
        using var metrics = await http.GetAsync("/api/v1/runs/doomed/metrics");
        using var resent = await PostAsync(http, "doomed", 0, 2_000);

        runs.Should().NotContain("doomed").And.Contain("kept");
        metrics.StatusCode.Should().Be(HttpStatusCode.NotFound);
        resent.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = await Json.ReadAsync(resent);
        answer.GetProperty("accepted").GetInt32().Should().Be(2_000, "the deleted run's event ids are free at once");
        answer.GetProperty("duplicates").GetInt32().Should().Be(0);
        await WaitFor.ConditionAsync(() => Count(factory.DatabasePath, "SELECT COUNT(*) FROM run_purges") == 0, TimeSpan.FromSeconds(30), "purge finished");
        Count(factory.DatabasePath, "SELECT COUNT(*) FROM points p JOIN runs r ON r.id = p.run_id WHERE r.name = 'doomed'").Should().Be(2_000);
        Count(factory.DatabasePath, "SELECT COUNT(*) FROM points WHERE run_id NOT IN (SELECT id FROM runs)").Should().Be(0, "nothing orphaned is left");
    }

    [Fact]
    public async Task DeleteRun_KillHardMidPurge_RestartFinishesPurgeAndResentEventsAreStored()
    {
        var path = TempFiles.NewDatabasePath();
        long oldId;
        long seenDuringPurge;
        await using (var first = await DashboardProcess.StartAsync(path))
        {
            using var http = new HttpClient { BaseAddress = first.Address, Timeout = TimeSpan.FromSeconds(60) };
            for (var b = 0; b < Batches; b++)
            {
                await PostBatchAsync(http, "big", b * EventsPerBatch, EventsPerBatch);
            }
            oldId = Count(path, "SELECT id FROM runs WHERE name = 'big'");

            (await http.DeleteAsync("/api/v1/runs/big")).StatusCode.Should().Be(HttpStatusCode.NoContent);
            (await Json.GetAsync(http, "/api/v1/runs")).ToString().Should().NotContain("\"big\"", "gone from the list the moment the delete is answered");
            await WaitFor.ConditionAsync(() => Count(path, $"SELECT COUNT(*) FROM points WHERE run_id = {oldId}") < Batches * EventsPerBatch,
                TimeSpan.FromSeconds(30), "purge started");
            seenDuringPurge = Count(path, $"SELECT COUNT(*) FROM points WHERE run_id = {oldId}");
            first.KillHard();
        }
        var leftAfterKill = Count(path, $"SELECT COUNT(*) FROM points WHERE run_id = {oldId}");

        await using var second = await DashboardProcess.StartAsync(path);
        using var http2 = new HttpClient { BaseAddress = second.Address, Timeout = TimeSpan.FromSeconds(60) };
        (await Json.GetAsync(http2, "/api/v1/runs")).ToString().Should().NotContain("\"big\"", "still gone after the crash");
        await WaitFor.ConditionAsync(() => Count(path, "SELECT COUNT(*) FROM run_purges") == 0, TimeSpan.FromSeconds(60), "purge resumed and finished");
        // Checked before re-sending: once the purge is done a new run may take the old id again.
        foreach (var table in new[] { "points", "nonfinite_points", "logs", "event_ids", "run_metrics", "run_metric_keys" })
        {
            Count(path, $"SELECT COUNT(*) FROM {table} WHERE run_id = {oldId}").Should().Be(0, $"{table} of the deleted run are purged");
        }
        var resent = 0;
        for (var b = 0; b < Batches; b++)
        {
            using var response = await PostAsync(http2, "big", b * EventsPerBatch, EventsPerBatch);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            resent += (await Json.ReadAsync(response)).GetProperty("accepted").GetInt32();
        }

        resent.Should().Be(Batches * EventsPerBatch, "every re-sent event id is stored again");
        Count(path, "SELECT event_count FROM runs WHERE name = 'big'").Should().Be(Batches * EventsPerBatch);
        Count(path, "SELECT COUNT(*) FROM points p JOIN runs r ON r.id = p.run_id WHERE r.name = 'big'").Should().Be(Batches * EventsPerBatch);
        output.WriteLine($"kill -9 mid-purge: {seenDuringPurge} of {Batches * EventsPerBatch} points left when seen, {leftAfterKill} after the kill; purge finished after restart");
    }

    private static async Task PostBatchAsync(HttpClient http, string run, int from, int count)
    {
        using var response = await PostAsync(http, run, from, count);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string run, int from, int count)
    {
        var events = string.Join(",", Enumerable.Range(from, count).Select(i => $$"""{"type":"metric","id":"e{{i}}","name":"m{{i % 5}}","value":{{i}}}"""));
        return http.PostAsync("/api/v1/ingest", new StringContent($$"""{"run":"{{run}}","events":[{{events}}]}""", Encoding.UTF8, "application/json"));
    }

    private static long Count(string path, string sql) => StoredPoints.Count(path, sql);
}
