using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dashboard.Export.Parquet;

namespace Dashboard.Tests.Export;

public sealed class ParquetFileWriterTests
{
    private static readonly ParquetColumn[] Columns =
    [
        new("name", ParquetColumnKind.String, Nullable: false),
        new("ts", ParquetColumnKind.TimestampMicros, Nullable: false),
        new("value", ParquetColumnKind.Double, Nullable: false),
        new("tag", ParquetColumnKind.String, Nullable: true),
        new("score", ParquetColumnKind.Double, Nullable: true),
    ];

    [Fact]
    public void ThriftCompactWriter_ShortAndLongFieldHeaders_MatchCompactProtocol()
    {
        var t = new ThriftCompactWriter();

        t.StructBegin();
        t.FieldI32(1, 3);
        t.FieldI64(20, -1);
        t.FieldBool(21, true);
        t.FieldListBegin(22, ThriftCompactWriter.TypeI32, 3);
        t.ElementI32(0);
        t.ElementI32(1);
        t.ElementI32(2);
        t.FieldString(23, "ab");
        t.StructEnd();

        t.Written.ToArray().Should().Equal(
            0x15, 0x06,             // delta 1, i32, zigzag(3) = 6
            0x06, 0x28, 0x01,       // delta 19 > 15: type byte, zigzag(20) = 40, zigzag(-1) = 1
            0x11,                   // delta 1, bool true
            0x19, 0x35, 0x00, 0x02, 0x04, // delta 1, list; 3 x i32
            0x18, 0x02, (byte)'a', (byte)'b',
            0x00);
    }

    [Fact]
    public void RleHybridEncoder_SpecExample_BitPacksLsbFirst()
    {
        using var s = new MemoryStream();

        RleHybridEncoder.Encode([0, 1, 2, 3, 4, 5, 6, 7], 3, s);

        s.ToArray().Should().Equal(0x03, 0x88, 0xC6, 0xFA);
    }

    [Fact]
    public void RleHybridEncoder_LongRunThenShortTail_RleRunThenPaddedGroup()
    {
        using var s = new MemoryStream();

        RleHybridEncoder.Encode([.. Enumerable.Repeat(1, 100), 0, 1], 1, s);

        s.ToArray().Should().Equal(0xC8, 0x01, 0x01, 0x03, 0b0000_0010);
    }

    [Theory]
    [InlineData(ParquetCodec.Gzip, "GZIP")]
    [InlineData(ParquetCodec.Uncompressed, "UNCOMPRESSED")]
    public async Task Write_RowGroupsDictionaryAndNulls_HyparquetReadsTheSameRows(ParquetCodec codec, string codecName)
    {
        using var file = new MemoryStream();
        var writer = new ParquetFileWriter(file, Columns, codec, rowGroupRows: 1000);
        var tags = new[] { "alpha", null, "beta", "ünïcode ✓", null, "zeta" };
        for (var i = 0; i < 2500; i++)
        {
            writer.SetString(0, i % 2 == 0 ? "even" : "odd");
            writer.SetTimestamp(1, 1_700_000_000_000_000 + i * 1000L + 1);
            writer.SetDouble(2, i * 0.5 - 100);
            writer.SetString(3, tags[i % tags.Length]);
            writer.SetDouble(4, i % 3 == 0 ? null : i);
            writer.EndRow();
        }
        writer.Finish();

        var read = await HyparquetAsync(file.ToArray());

        read.GetProperty("num_rows").GetString().Should().Be("2500");
        var groups = read.GetProperty("row_groups").EnumerateArray().ToList();
        groups.Select(g => g.GetProperty("num_rows").GetString()).Should().Equal("1000", "1000", "500");
        var first = groups[0].GetProperty("columns").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        first.Values.Should().OnlyContain(c => c.GetProperty("codec").GetString() == codecName);
        first["name"].GetProperty("has_dictionary").GetBoolean().Should().BeTrue();
        first["tag"].GetProperty("null_count").GetString().Should().Be("333");
        first["tag"].GetProperty("min_value").GetString().Should().Be("alpha");
        first["tag"].GetProperty("max_value").GetString().Should().Be("ünïcode ✓", because: "UTF-8 bytes order after ASCII");
        first["value"].GetProperty("min_value").GetDouble().Should().Be(-100);
        first["value"].GetProperty("max_value").GetDouble().Should().Be(399.5);
        var rows = read.GetProperty("rows").EnumerateArray().ToList();
        rows.Should().HaveCount(2500);
        for (var i = 0; i < 2500; i++)
        {
            var r = rows[i];
            r.GetProperty("name").GetString().Should().Be(i % 2 == 0 ? "even" : "odd");
            r.GetProperty("ts").GetString().Should().Be("micros:" + (1_700_000_000_000_000 + i * 1000L + 1).ToString(CultureInfo.InvariantCulture));
            r.GetProperty("value").GetDouble().Should().Be(i * 0.5 - 100);
            r.GetProperty("tag").ValueKind.Should().Be(tags[i % tags.Length] is null ? JsonValueKind.Null : JsonValueKind.String);
            if (tags[i % tags.Length] is { } tag)
            {
                r.GetProperty("tag").GetString().Should().Be(tag);
            }
            if (i % 3 == 0)
            {
                r.GetProperty("score").ValueKind.Should().Be(JsonValueKind.Null);
            }
            else
            {
                r.GetProperty("score").GetDouble().Should().Be(i);
            }
        }
    }

    [Fact]
    public async Task Write_NoRows_FileWithSchemaAndZeroRows()
    {
        using var file = new MemoryStream();

        new ParquetFileWriter(file, Columns).Finish();

        var read = await HyparquetAsync(file.ToArray());
        read.GetProperty("num_rows").GetString().Should().Be("0");
        read.GetProperty("schema").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Should().Equal("name", "ts", "value", "tag", "score");
        file.ToArray()[..4].Should().Equal("PAR1"u8.ToArray());
        file.ToArray()[^4..].Should().Equal("PAR1"u8.ToArray());
    }

    [Fact]
    public void EndRow_MissingColumnValue_Throws()
    {
        var writer = new ParquetFileWriter(new MemoryStream(), Columns);
        writer.SetString(0, "x");

        var act = writer.EndRow;

        act.Should().Throw<InvalidOperationException>().WithMessage("*ts*");
    }

    /// <summary>hyparquet (npm) is the independent reader; the script lives with the integration tests.</summary>
    internal static async Task<JsonElement> HyparquetAsync(byte[] parquet)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !Directory.Exists(Path.Combine(root.FullName, "node_modules", "hyparquet")))
        {
            root = root.Parent;
        }
        root.Should().NotBeNull("npm ci at the repo root installs hyparquet");
        var path = Path.Combine(Path.GetTempPath(), $"unit-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, parquet);
        try
        {
            var script = Path.Combine(root!.FullName, "tests", "Dashboard.IntegrationTests", "Export", "read-parquet.mjs");
            using var process = Process.Start(new ProcessStartInfo("node", [script, path])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = root.FullName,
            })!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            process.ExitCode.Should().Be(0, await stderr);
            return JsonDocument.Parse(await stdout).RootElement.Clone();
        }
        finally
        {
            File.Delete(path);
        }
    }
}
