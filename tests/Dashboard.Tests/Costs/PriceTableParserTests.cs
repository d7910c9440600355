using System.Text.Json;
using Dashboard.Costs;

namespace Dashboard.Tests.Costs;

public sealed class PriceTableParserTests
{
    private const string Good = """{"model": "gpt-4o*", "valid_from": "2024-10-01", "input_per_million": 2.5, "output_per_million": 10, "cached_input_per_million": 1.25, "currency": "USD"}""";

    [Fact]
    public void Parse_ValidTable_Rows()
    {
        var (rows, errors) = PriceTableParser.Parse($$"""{"prices": [{{Good}}]}""");

        errors.Should().BeEmpty();
        rows.Should().ContainSingle().Which.Should().Be(new PriceEntry("gpt-4o*", new DateOnly(2024, 10, 1), 2.5, 10, 1.25, "USD"));
    }

    [Fact]
    public void Parse_BareArray_Accepted()
    {
        PriceTableParser.Parse($"[{Good}]").Entries.Should().HaveCount(1);
    }

    [Theory]
    [InlineData("\"valid_from\": \"2024-13-01\"", "prices[0].valid_from")]
    [InlineData("\"valid_from\": \"01/10/2024\"", "prices[0].valid_from")]
    [InlineData("\"input_per_million\": -1", "prices[0].input_per_million")]
    [InlineData("\"input_per_million\": \"2\"", "prices[0].input_per_million")]
    [InlineData("\"output_per_million\": null", "prices[0].output_per_million")]
    [InlineData("\"currency\": \"usd\"", "prices[0].currency")]
    [InlineData("\"model\": \"\"", "prices[0].model")]
    [InlineData("\"model\": 5", "prices[0].model")]
    [InlineData("\"input_per_millon\": 2", "prices[0].input_per_millon")]
    public void Parse_BadField_NamesField(string replacement, string field)
    {
        var name = replacement.Split(':')[0].Trim('"', ' ');
        var row = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Good)!;
        var patch = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>("{" + replacement + "}")!;
        row[name] = patch[name];

        var (_, errors) = PriceTableParser.Parse(JsonSerializer.Serialize(new { prices = new[] { row } }));

        errors.Select(e => e.Field).Should().Contain(field);
    }

    [Fact]
    public void Parse_MixedCurrencies_Refused()
    {
        var eur = Good.Replace("USD", "EUR", StringComparison.Ordinal).Replace("gpt-4o*", "other", StringComparison.Ordinal);

        var (_, errors) = PriceTableParser.Parse($$"""{"prices": [{{Good}}, {{eur}}]}""");

        errors.Should().ContainSingle().Which.Field.Should().Be("prices[1].currency");
    }

    [Fact]
    public void Parse_SameModelAndDayTwice_Refused()
    {
        var (_, errors) = PriceTableParser.Parse($$"""{"prices": [{{Good}}, {{Good.Replace("gpt-4o*", "GPT-4O*", StringComparison.Ordinal)}}]}""");

        errors.Should().ContainSingle().Which.Field.Should().Be("prices[1].valid_from");
    }

    [Theory]
    [InlineData("{}", "prices")]
    [InlineData("{\"prices\": 5}", "prices")]
    [InlineData("not json", "body")]
    [InlineData("{\"prices\": [5]}", "prices[0]")]
    public void Parse_BadShape_NamesField(string json, string field)
    {
        PriceTableParser.Parse(json).Errors.Select(e => e.Field).Should().Contain(field);
    }
}
