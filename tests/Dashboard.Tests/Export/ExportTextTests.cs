using Dashboard.Export;

namespace Dashboard.Tests.Export;

public sealed class ExportTextTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "'\rx")]
    [InlineData("a=1", "a=1")]
    [InlineData("", "")]
    public void NeutralizeFormula_LeadingFormulaCharacter_Prefixed(string text, string expected) =>
        ExportText.NeutralizeFormula(text).Should().Be(expected);

    [Theory]
    [InlineData("model_usage:meta-llama/Llama-3.1-8B-Instruct", "model_usage_meta-llama_Llama-3.1-8B-Instruct")]
    [InlineData("../etc\\passwd", "_etc_passwd")]
    [InlineData("run:1", "run_1")]
    public void SafeFileName_PathAndDriveCharacters_Replaced(string name, string expected) =>
        ExportText.SafeFileName(name).Should().Be(expected);

    [Fact]
    public void XlsxSheetNames_IllegalLongAndDuplicateNames_LegalAndUnique()
    {
        var names = new XlsxSheetNames();

        var index = names.Add("index");
        var a = names.Add("model_usage:gpt-4o-mini");
        var b = names.Add("model_usage/gpt-4o-mini");
        var c = names.Add("evaluation_score_a_very_long_metric_name_indeed");
        var d = names.Add("evaluation_score_a_very_long_metric_name_other");
        var e = names.Add("INDEX");
        var f = names.Add("'[x]*?'");
        var g = names.Add("history");

        index.Should().Be("index");
        a.Should().Be("model_usage_gpt-4o-mini");
        b.Should().Be("model_usage_gpt-4o-mini~2");
        c.Should().Be("evaluation_score_a_very_long_me");
        c.Length.Should().BeLessThanOrEqualTo(31);
        d.Should().Be("evaluation_score_a_very_long_~2");
        e.Should().Be("INDEX~2");
        f.Should().Be("_x___");
        g.Should().Be("history~2");
    }

    [Fact]
    public void MetadataCells_MixedValues_SplitByKeyWithoutDom()
    {
        var keys = new List<ExportKey> { new("a", "a", false), new("n", "n", true), new("o", "o", false), new("z", "z", false), new("b", "b", false) };
        var cells = new MetadataCells(keys);

        cells.Parse("""{"n":2.50,"a":"x\"y","skip":{"deep":[1]},"o":{"k":[1,2]},"z":null,"b":true}""");

        cells.Cells[0].Should().BeEquivalentTo(new MetadataCell { Kind = CellKind.String, Text = "x\"y" });
        cells.Cells[1].Kind.Should().Be(CellKind.Number);
        cells.Cells[1].Number.Should().Be(2.5);
        cells.Cells[1].Text.Should().Be("2.50");
        cells.Cells[2].Should().BeEquivalentTo(new MetadataCell { Kind = CellKind.Json, Text = """{"k":[1,2]}""" });
        cells.Cells[3].Kind.Should().Be(CellKind.Null);
        cells.Cells[4].Text.Should().Be("true");
        cells.Parse(null);
        cells.Cells.Should().OnlyContain(c => c.Kind == CellKind.Missing);
    }
}
