using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Export;

/// <summary>
/// Row order: per-metric formats give each metric in time order with equal timestamps in the order they were stored;
/// on SQLite, one-table formats over (most of) the database give rows in storage order, metrics interleaved as they were
/// posted; PostgreSQL gives them metric by metric.
/// </summary>
public sealed class ExportOrderTests : HostedTest
{
    private const string Run = "order-run";

    // Posted in this order: "tie" has five points at one timestamp with falling values (the index would sort them by
    // value); "other" arrives out of time order; "bulk" makes "other" alone a narrow export (under a quarter of the points).
    private static readonly (string Name, double Value, int Second)[] Posted =
    [
        ("tie", 5, 100), ("other", 2, 60), ("tie", 4, 100), ("tie", 3, 100), ("other", 1, 50),
        ("tie", 2, 100), ("tie", 1, 100), ("tie", 9, 90),
        ("bulk", 1, 201), ("bulk", 2, 202), ("bulk", 3, 203), ("bulk", 4, 204), ("bulk", 5, 205), ("bulk", 6, 206),
    ];

    protected override async Task SeedAsync()
    {
        var events = Posted.Select(p => (object)new { type = "metric", name = p.Name, value = p.Value, timestamp = 1_767_600_000 + p.Second }).ToArray();
        using var response = await Json.PostIngestAsync(Http, Run, events);
        response.EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task GetExport_JsonEqualTimestamps_KeepsStorageOrder()
    {
        var doc = JsonDocument.Parse(await Http.GetStringAsync($"/api/v1/runs/{Run}/export?format=json")).RootElement;

        doc.GetProperty("tie").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()).Should().Equal(9, 5, 4, 3, 2, 1);
        doc.GetProperty("other").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()).Should().Equal(1, 2);
    }

    [Fact]
    public async Task GetExport_CsvLongWholeDatabase_GivesRowsInTheProvidersOrder()
    {
        var csv = await Http.GetStringAsync($"/api/v1/runs/{Run}/export?format=csv-long");

        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();
        // SQLite scans the table once in storage order. PostgreSQL always reads metric by metric (README, "PostgreSQL":
        // a partitioned table has no one physical order to scan): names in byte order, each in time order, ties as posted.
        var expected = TestPostgres.IsProvider
            ? Posted.Select((p, i) => (p, i)).OrderBy(x => x.p.Name, StringComparer.Ordinal).ThenBy(x => x.p.Second).ThenBy(x => x.i).Select(x => x.p)
            : Posted;
        rows.Select(r => (r[0], double.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture)))
            .Should().Equal(expected.Select(p => (p.Name, p.Value)));
    }

    [Fact]
    public async Task GetExport_CsvLongNarrowSelection_GivesRowsInTimeOrder()
    {
        var csv = await Http.GetStringAsync($"/api/v1/runs/{Run}/export?format=csv-long&names=other");

        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')).ToList();
        rows.Select(r => (r[0], r[2])).Should().Equal(("other", "1"), ("other", "2"));
    }
}
