using System.IO.Compression;
using System.Text;
using Dashboard.Export;
using Dashboard.IntegrationTests.Infrastructure;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using static Dashboard.IntegrationTests.Storage.Postgres.ProviderPair;

namespace Dashboard.IntegrationTests.Storage.Postgres;

/// <summary>An export read from PostgreSQL is byte for byte the export read from SQLite, for the same writes.</summary>
public sealed class ExportParityTests : IDisposable
{
    private static readonly long Start = Timestamps.ToMicros(DateTimeOffset.UtcNow) - 3_600_000_000L;
    private readonly ProviderPair _pair = TestPostgres.Server is null ? null! : new ProviderPair();

    public void Dispose() => _pair?.Dispose();

    private void Seed()
    {
        for (var i = 0; i < 60; i++)
        {
            // Three events share each timestamp: storage order must decide their order on both providers.
            var ts = Start + i / 3 * 1_000_000L;
            _pair.Write(Write("export-run", Event(null, ts,
                ("generation_time", 2.5 - i * 0.01, i % 2 == 0 ? "gpt-4o" : null, $$"""{"prompt":"p{{i}}","attempt":{{i % 4}},"ok":{{(i % 5 == 0 ? "false" : "true")}}}"""),
                ("total_token_count", 100 + i, "gpt-4o", null),
                ("evaluation_score_ünïcode", i % 7 / 7.0, (string?)null, """{"judge":"Ärger \"quoted\""}"""))),
                Write("other-run", Event(null, ts, ("generation_time", 1, (string?)null, (string?)null))));
        }
    }

    [PostgresFact]
    public void Export_EveryFormatWholeAndPartRange_SameBytes()
    {
        Seed();
        var requests = new List<ExportRequest>();
        foreach (var format in new[] { ExportFormat.Csv, ExportFormat.CsvLong, ExportFormat.Json })
        {
            requests.Add(new ExportRequest("export-run", format, long.MinValue, long.MaxValue, "all", null));
            requests.Add(new ExportRequest("export-run", format, Start + 3_000_000L, Start + 12_000_000L, "part", ["generation_time", "total_token_count"]));
        }

        foreach (var request in requests)
        {
            var sqlite = Export(new SqliteExportStore(_pair.Sqlite), request);
            var postgres = Export(new PostgresExportStore(_pair.Postgres), request);

            if (request.Format == ExportFormat.CsvLong)
            {
                // One-table formats may come in storage order (SQLite, when the export is most of the file) or metric by
                // metric (PostgreSQL, always): the same rows, the same header, in either order.
                postgres.Split('\n')[0].Should().Be(sqlite.Split('\n')[0]);
                postgres.Split('\n').Order(StringComparer.Ordinal).Should().Equal(sqlite.Split('\n').Order(StringComparer.Ordinal), request.RangeLabel);
            }
            else
            {
                postgres.Should().Be(sqlite, $"{request.Format} {request.RangeLabel}");
            }
            if (request.RangeLabel == "all")
            {
                sqlite.Should().Contain("p59", "the whole seed is exported");
            }
        }
    }

    [PostgresFact]
    public void Snapshot_MissingRunAndCounts_SameAnswers()
    {
        Seed();
        using var sqlite = new SqliteExportStore(_pair.Sqlite).OpenSnapshot();
        using var postgres = new PostgresExportStore(_pair.Postgres).OpenSnapshot();

        postgres.GetRunId("missing").Should().BeNull();
        sqlite.GetRunId("missing").Should().BeNull();
        var a = sqlite.GetRunMetrics(sqlite.GetRunId("export-run")!.Value);
        var b = postgres.GetRunMetrics(postgres.GetRunId("export-run")!.Value);
        b.Select(m => (m.Name, m.Count, m.ModelPoints)).Should().Equal(a.Select(m => (m.Name, m.Count, m.ModelPoints)));
        b.Select(m => m.Name).Should().Equal("evaluation_score_ünïcode", "generation_time", "total_token_count");
    }

    private static string Export(IExportStore store, ExportRequest request)
    {
        using var source = new ExportSource(store.OpenSnapshot());
        var runId = source.GetRunId(request.Run)!.Value;
        var plan = source.GetPlan(runId, request);
        using var reader = new ExportStreamReader(source, runId, plan, CancellationToken.None);
        using var output = new MemoryStream();
        ExportResult.Create(request).Write(plan, reader, output, CancellationToken.None);
        if (request.Format != ExportFormat.Csv)
        {
            return Encoding.UTF8.GetString(output.ToArray());
        }
        // Wide CSV is a zip of one file per metric: compare the files (the zip carries write times).
        output.Position = 0;
        using var zip = new ZipArchive(output, ZipArchiveMode.Read);
        var text = new StringBuilder();
        foreach (var entry in zip.Entries)
        {
            using var entryReader = new StreamReader(entry.Open(), Encoding.UTF8);
            text.Append("== ").AppendLine(entry.FullName).Append(entryReader.ReadToEnd());
        }
        return text.ToString();
    }
}
