using System.Globalization;
using System.Net.Http.Headers;
using Dashboard.Export;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using FluentAssertions.Execution;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Export;

/// <summary>
/// The export plan comes from what the writer keeps (run_metrics, run_metric_keys), not from a pass over the points:
/// it must equal what a scan of the points gives (the former first pass, here as a plain SQL reference).
/// </summary>
public sealed class ExportPlanTests : HostedTest
{
    private const string Fixture = "fixture";

    protected override async Task SeedAsync()
    {
        await ExportTestData.PostAsync(Http);
        using var content = new StreamContent(File.OpenRead(Fixtures.Path("afterimage-metrics.jsonl")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        (await Http.PostAsync($"/api/v1/runs/{Fixture}/import", content)).EnsureSuccessStatusCode();
        // A second post to the same run: counts add up across batches.
        await ExportTestData.PostAsync(Http);
        using var other = await Json.PostIngestAsync(Http, "other",
            new { type = "generation", duration = 1.5, success = true, model_name = "m", prompt_tokens = 3, metadata = new { a = 1, b = (string?)null } },
            new { type = "metric", name = "generation_time", value = 2, metadata = new { a = "x" } });
        other.EnsureSuccessStatusCode();
    }

    [Theory]
    [InlineData(ExportTestData.Run)]
    [InlineData(Fixture)]
    [InlineData("other")]
    public void GetPlan_WholeRun_EqualsScanOfThePoints(string run)
    {
        AssertPlanEqualsScan(run, long.MinValue, long.MaxValue);
    }

    [Fact]
    public void GetPlan_NarrowRange_CountsEqualScanAndKeysAreASuperset()
    {
        var (from, to) = Extent(ExportTestData.Run);
        var middle = from + (to - from) / 3;
        using var source = Source();
        var runId = source.GetRunId(ExportTestData.Run)!.Value;
        var plan = source.GetPlan(runId, Request(ExportTestData.Run, middle, to));
        var scan = Scan(runId, middle, to);
        scan.Sum(s => s.Count).Should().BeInRange(1, Scan(runId, long.MinValue, long.MaxValue).Sum(s => s.Count) - 1, "the range is narrower");
        using var scope = new AssertionScope();
        plan.Metrics.Select(m => (m.Name, m.Count, m.HasModel)).Should().Equal(scan.Select(s => (s.Name, s.Count, s.HasModel)));
        foreach (var (metric, expected) in plan.Metrics.Zip(scan))
        {
            expected.Keys.Select(k => k.Key).Except(metric.Keys.Select(k => k.Key)).Should().BeEmpty($"keys of {metric.Name}");
        }
    }

    [Fact]
    public async Task GetPlan_AfterDeletingARun_OthersUnchangedAndItsKeysGone()
    {
        (await Http.DeleteAsync("/api/v1/runs/other")).StatusCode.Should().Be(System.Net.HttpStatusCode.NoContent);

        StoredPoints.Count(Factory.DatabasePath, "SELECT COUNT(*) FROM run_metric_keys WHERE run_id NOT IN (SELECT id FROM runs)").Should().Be(0);
        AssertPlanEqualsScan(ExportTestData.Run, long.MinValue, long.MaxValue);
        AssertPlanEqualsScan(Fixture, long.MinValue, long.MaxValue);
    }

    [Fact]
    public async Task GetExport_ImportedAfterimageFixture_KeepsEveryMetadataColumn()
    {
        var keys = StoredPoints.Query(Factory.DatabasePath, """
            SELECT DISTINCT j.key FROM points p JOIN runs r ON r.id = p.run_id, json_each(p.metadata) j
            WHERE r.name = $1 AND p.metadata IS NOT NULL
            """, """
            SELECT DISTINCT j.key FROM points p JOIN runs r ON r.id = p.run_id, jsonb_each(p.metadata::jsonb) j
            WHERE r.name = $1 AND p.metadata IS NOT NULL
            """, Fixture).Select(row => (string)row[0]!).ToList();
        keys.Should().NotBeEmpty();

        var csv = await Http.GetStringAsync($"/api/v1/runs/{Fixture}/export?format=csv-long");
        var header = csv[..csv.IndexOf('\n', StringComparison.Ordinal)].TrimEnd('\r').Split(',');
        foreach (var key in keys)
        {
            header.Should().Contain(ExportPlan.FixedColumns.Contains(key) ? "metadata_" + key : key);
        }
    }

    private void AssertPlanEqualsScan(string run, long from, long to)
    {
        using var source = Source();
        var runId = source.GetRunId(run)!.Value;
        var plan = source.GetPlan(runId, Request(run, from, to));
        var scan = Scan(runId, from, to);
        using var scope = new AssertionScope();
        plan.Metrics.Select(m => (m.Name, m.Count, m.HasModel)).Should().Equal(scan.Select(s => (s.Name, s.Count, s.HasModel)));
        foreach (var (metric, expected) in plan.Metrics.Zip(scan))
        {
            metric.Keys.Should().Equal(expected.Keys, $"keys of {metric.Name}");
        }
        var present = scan.Where(s => s.Count > 0).Select(s => s.Id).ToHashSet();
        plan.AllKeys.Should().Equal(ExportPlan.Keys(KeyRows(runId, from, to).Where(k => present.Contains(k.MetricId)).Select(k => (k.Key, k.Numeric, k.Other))));
    }

    private ExportSource Source() => new(Factory.Services.GetRequiredService<IExportStore>().OpenSnapshot());

    private static ExportRequest Request(string run, long from, long to) => new(run, ExportFormat.Csv, from, to, "all", null);

    /// <summary>The former first pass as plain SQL: per metric, points in range, any model name, and the metadata keys.</summary>
    private List<(long Id, string Name, long Count, bool HasModel, IReadOnlyList<ExportKey> Keys)> Scan(long runId, long from, long to)
    {
        const string Select = """
            SELECT n.id, n.name,
                (SELECT COUNT(*) FROM points p WHERE p.run_id = m.run_id AND p.metric_id = m.metric_id AND p.ts BETWEEN $2 AND $3),
                (SELECT COUNT(model_name) FROM points p WHERE p.run_id = m.run_id AND p.metric_id = m.metric_id AND p.ts BETWEEN $2 AND $3)
            FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id WHERE m.run_id = $1
            """;
        var keys = KeyRows(runId, from, to);
        // Names in byte order on both (SQLite's default; "C" on PostgreSQL), as the plan lists them.
        return StoredPoints.Query(Factory.DatabasePath, Select + " ORDER BY n.name", Select + " ORDER BY n.name COLLATE \"C\"", runId, from, to)
            .Select(r =>
            {
                var id = Convert.ToInt64(r[0], CultureInfo.InvariantCulture);
                return (id, (string)r[1]!, Convert.ToInt64(r[2], CultureInfo.InvariantCulture), Convert.ToInt64(r[3], CultureInfo.InvariantCulture) > 0,
                    ExportPlan.Keys(keys.Where(k => k.MetricId == id).Select(k => (k.Key, k.Numeric, k.Other))));
            }).ToList();
    }

    /// <summary>Per metric and metadata key: how many values are numbers and how many are other non-null values.</summary>
    private List<(long MetricId, string Key, long Numeric, long Other)> KeyRows(long runId, long from, long to) =>
        StoredPoints.Query(Factory.DatabasePath, """
            SELECT p.metric_id, j.key, SUM(j.type IN ('integer', 'real')), SUM(j.type NOT IN ('integer', 'real', 'null'))
            FROM points p, json_each(p.metadata) j
            WHERE p.run_id = $1 AND p.ts BETWEEN $2 AND $3 AND p.metadata IS NOT NULL
            GROUP BY p.metric_id, j.key
            """, """
            SELECT p.metric_id, j.key, COUNT(*) FILTER (WHERE jsonb_typeof(j.value) = 'number'),
                   COUNT(*) FILTER (WHERE jsonb_typeof(j.value) NOT IN ('number', 'null'))
            FROM points p, jsonb_each(p.metadata::jsonb) j
            WHERE p.run_id = $1 AND p.ts BETWEEN $2 AND $3 AND p.metadata IS NOT NULL
            GROUP BY p.metric_id, j.key
            """, runId, from, to)
            .Select(r => (Convert.ToInt64(r[0], CultureInfo.InvariantCulture), (string)r[1]!, Convert.ToInt64(r[2], CultureInfo.InvariantCulture),
                Convert.ToInt64(r[3], CultureInfo.InvariantCulture)))
            .ToList();

    private (long From, long To) Extent(string run)
    {
        var row = StoredPoints.Query(Factory.DatabasePath,
            "SELECT MIN(ts), MAX(ts) FROM points p JOIN runs r ON r.id = p.run_id WHERE r.name = $1",
            "SELECT MIN(ts), MAX(ts) FROM points p JOIN runs r ON r.id = p.run_id WHERE r.name = $1", run).Single();
        return (Convert.ToInt64(row[0], CultureInfo.InvariantCulture), Convert.ToInt64(row[1], CultureInfo.InvariantCulture));
    }
}
/// <summary>Schema step 5 fills run_metric_keys and run_metrics.model_points from the points of an older database.</summary>
public sealed class ExportPlanMigrationTests
{
    [SqliteFact]
    public async Task Migrate_FromVersion4_BackfillsKeysAndModelPoints()
    {
        var path = TempFiles.NewDatabasePath();
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = string.Join(";\n", SchemaMigrations.Steps.Where(s => s.Version <= 4).Select(s => s.Sql)) + """
                ;
                INSERT INTO runs (id, name, project, created_at, last_received_at) VALUES (1, 'old', 'default', 0, 0);
                INSERT INTO metric_names (id, name) VALUES (1, 'a'), (2, 'b');
                INSERT INTO points (run_id, metric_id, ts, value, model_name, metadata) VALUES
                    (1, 1, 10, 1, 'm', '{"n":1,"s":"x","z":null}'),
                    (1, 1, 20, 2, NULL, '{"n":2.5,"s":3,"t":true}'),
                    (1, 2, 30, 3, NULL, NULL);
                INSERT INTO run_metrics (run_id, metric_id, count, sum, min, max, last_value, last_ts) VALUES
                    (1, 1, 2, 3, 1, 2, 2, 20), (1, 2, 1, 3, 3, 3, 3, 30);
                PRAGMA user_version = 4;
                """;
            cmd.ExecuteNonQuery();
        }
        await using var factory = new DashboardFactory(path);
        using var http = factory.CreateHttpClient();
        (await http.GetAsync("/healthz")).EnsureSuccessStatusCode();

        using var source = new ExportSource(factory.Services.GetRequiredService<IExportStore>().OpenSnapshot());
        var plan = source.GetPlan(1, new ExportRequest("old", ExportFormat.Csv, long.MinValue, long.MaxValue, "all", null));

        plan.Metrics.Select(m => (m.Name, m.Count, m.HasModel)).Should().Equal(("a", 2L, true), ("b", 1L, false));
        plan.Metrics[0].Keys.Should().Equal(
            new ExportKey("n", "n", true), new ExportKey("s", "s", false), new ExportKey("t", "t", false), new ExportKey("z", "z", false));
        plan.Metrics[1].Keys.Should().BeEmpty();
    }
}
