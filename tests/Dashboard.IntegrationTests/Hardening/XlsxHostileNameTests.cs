using Dashboard.IntegrationTests.Export;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Hardening;

/// <summary>Hostile corpus for the XLSX export: names that once broke the workbook or slipped formulas into it (issue 11, items 4 and 15).</summary>
public sealed class XlsxHostileNameTests : HostedTest
{
    private const string Run = "xlsx-hostile";

    // 30 ASCII characters, then an emoji: the 31-character cut used to land between its two surrogates.
    private const string EmojiName = "abcdefghijklmnopqrstuvwxyz0123\U0001F680tail";

    // The 31st character is an apostrophe, so a plain cut ended the sheet name with one (Excel refuses it).
    private const string ApostropheName = "abcdefghijklmnopqrstuvwxyz0123'rest";

    private const string FormulaKey = "=cmd|' /C calc'!A0";

    [Fact]
    public async Task GetExportXlsx_EmojiAt31stCharacter_WholeWorkbookReadsBack()
    {
        await PostAsync(EmojiName, new Dictionary<string, object?> { ["k"] = "v" });

        using var response = await Http.GetAsync($"/api/v1/runs/{Run}/export?format=xlsx");
        var bytes = await response.Content.ReadAsByteArrayAsync();

        response.IsSuccessStatusCode.Should().BeTrue();
        var sheets = ExportFormatTests.ReadXlsx(bytes);
        sheets.Should().HaveCount(2);
        sheets[1].Name.Should().Be("abcdefghijklmnopqrstuvwxyz0123");
        sheets[1].Rows.Should().HaveCount(2);
        sheets[0].Rows.Skip(1).Single()[1].Should().Be(EmojiName);
    }

    [Fact]
    public async Task GetExportXlsx_ApostropheAtCut_SheetNameNeverEndsWithApostrophe()
    {
        await PostAsync(ApostropheName, null);
        await PostAsync("'quoted'", null);

        using var response = await Http.GetAsync($"/api/v1/runs/{Run}/export?format=xlsx");
        var sheets = ExportFormatTests.ReadXlsx(await response.Content.ReadAsByteArrayAsync());

        sheets.Skip(1).Select(s => s.Name).Should().BeEquivalentTo(["abcdefghijklmnopqrstuvwxyz0123", "quoted"]);
        sheets.Should().OnlyContain(s => !s.Name.StartsWith('\'') && !s.Name.EndsWith('\'') && s.Name.Length <= 31);
    }

    [Fact]
    public async Task GetExportXlsx_FormulaMetadataKey_HeaderCellNeutralized()
    {
        await PostAsync("loss", new Dictionary<string, object?> { [FormulaKey] = "=1+1", ["@SUM(A1)"] = 1 });

        using var response = await Http.GetAsync($"/api/v1/runs/{Run}/export?format=xlsx");
        var sheet = ExportFormatTests.ReadXlsx(await response.Content.ReadAsByteArrayAsync())[1].Rows;

        var header = sheet[0].Select(c => c?.ToString()).ToList();
        header.Should().Contain("'" + FormulaKey).And.Contain("'@SUM(A1)");
        header.Should().NotContain(h => h != null && (h.StartsWith('=') || h.StartsWith('@')));
        sheet[1].Select(c => c?.ToString()).Should().Contain("'=1+1");
    }

    private async Task PostAsync(string metric, Dictionary<string, object?>? metadata)
    {
        using var response = await Json.PostIngestAsync(Http, Run,
            new { type = "metric", name = metric, value = 1.5, metadata });
        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
    }
}
