using System.Net;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Dashboard.IntegrationTests.Ingest;

public sealed class DurabilityTests
{
    [Fact]
    public async Task PostIngest_DuplicateIds_StoredOnce()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var evt = new { type = "metric", id = "evt-1", name = "x", value = 1 };

        using var first = await Json.PostIngestAsync(http, "dup", evt, new { type = "metric", id = "evt-1", name = "x", value = 2 });
        using var second = await Json.PostIngestAsync(http, "dup", evt, new { type = "metric", id = "evt-2", name = "x", value = 3 });

        var a = await Json.ReadAsync(first);
        var b = await Json.ReadAsync(second);
        (a.GetProperty("accepted").GetInt32(), a.GetProperty("duplicates").GetInt32()).Should().Be((1, 1));
        (b.GetProperty("accepted").GetInt32(), b.GetProperty("duplicates").GetInt32()).Should().Be((1, 1));
        StoredPoints.Read(factory.DatabasePath, "dup").Select(p => p.Value).Should().Equal(1, 3);
    }

    [Fact]
    public async Task Restart_SameDatabase_KeepsData()
    {
        string path;
        await using (var first = new DashboardFactory())
        {
            path = first.DatabasePath;
            using var http = first.CreateHttpClient();
            using var response = await Json.PostIngestAsync(http, "keep", new { type = "generation", duration = 2.0, success = true, model_name = "m", total_token_count = 10 });
            response.EnsureSuccessStatusCode();
        }

        await using var second = new DashboardFactory(path);
        using var again = second.CreateHttpClient();

        var runs = await Json.GetAsync(again, "/api/v1/runs");
        var run = runs.EnumerateArray().Single();
        run.GetProperty("run").GetString().Should().Be("keep");
        run.GetProperty("total_tokens").GetInt64().Should().Be(10);
        var stats = await Json.GetAsync(again, "/api/v1/runs/keep/stats?name=generation_time&window=all");
        stats.GetProperty("count").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task PostIngest_ConcurrentRequests_Every200IsInTheFile()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();

        var tasks = Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await Json.PostIngestAsync(http, "group", new { type = "metric", id = $"e{i}", name = "x", value = i });
            return (i, response.StatusCode);
        });
        var results = await Task.WhenAll(tasks);

        results.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        // Read straight from the file through a fresh connection: a 200 means committed.
        StoredPoints.Count(factory.DatabasePath, "SELECT COUNT(*) FROM points").Should().Be(200);
        StoredPoints.Count(factory.DatabasePath, "SELECT COUNT(*) FROM event_ids").Should().Be(200);
    }

    [SqliteFact]
    public async Task PostIngest_QueueFull_Returns503WithRetryAfter()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?>
        {
            ["Ingest:QueueCapacity"] = "1",
            ["Storage:BusyTimeoutMilliseconds"] = "3000",
        });
        using var http = factory.CreateHttpClient();
        (await Json.PostIngestAsync(http, "warm", new { type = "metric", name = "x", value = 1 })).EnsureSuccessStatusCode();

        // Another connection holds the write lock, so the writer waits and the queue fills.
        using var blocker = new SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False");
        blocker.Open();
        using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        }
        var pending = Enumerable.Range(0, 5).Select(i => Json.PostIngestAsync(http, "full", new { type = "metric", name = "x", value = i })).ToList();
        await WaitFor.ConditionAsync(() => pending.Any(p => p.IsCompleted), TimeSpan.FromSeconds(30), "a full queue answers at once");
        using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }
        var responses = await Task.WhenAll(pending);

        var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ToList();
        rejected.Should().NotBeEmpty();
        rejected.Should().OnlyContain(r => r.Headers.RetryAfter != null);
        // Whatever was answered 200 is stored; whatever was answered 503 is not.
        var stored = StoredPoints.Read(factory.DatabasePath, "full").Count;
        stored.Should().Be(responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }
}
