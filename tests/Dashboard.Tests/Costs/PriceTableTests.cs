using Dashboard.Costs;

namespace Dashboard.Tests.Costs;

public sealed class PriceTableTests
{
    private static PriceEntry Row(string model, string from, double input, double output = 0, double? cached = null) =>
        new(model, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), input, output, cached, "USD");

    private static long Micros(string utc) =>
        Timestamps.ToMicros(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Find_LastMicrosecondBeforeValidFrom_UsesOlderPrice()
    {
        var table = new PriceTable([Row("m", "2025-01-01", 1), Row("m", "2025-06-10", 2)]);

        table.Find("m", Micros("2025-06-09T23:59:59.999999Z"))!.InputPerMillion.Should().Be(1);
        table.Find("m", Micros("2025-06-10T00:00:00Z"))!.InputPerMillion.Should().Be(2);
        table.Find("m", Micros("2030-01-01T00:00:00Z"))!.InputPerMillion.Should().Be(2);
    }

    [Fact]
    public void Find_BeforeFirstValidFrom_Unpriced()
    {
        var table = new PriceTable([Row("m", "2025-01-01", 1)]);

        table.Find("m", Micros("2024-12-31T23:59:59Z")).Should().BeNull();
    }

    [Fact]
    public void Find_UnknownOrMissingModel_Unpriced()
    {
        var table = new PriceTable([Row("gpt-4o*", "2024-01-01", 1)]);

        table.Find("llama-3", Micros("2025-01-01T00:00:00Z")).Should().BeNull();
        table.Find(null, Micros("2025-01-01T00:00:00Z")).Should().BeNull();
        table.Find("", Micros("2025-01-01T00:00:00Z")).Should().BeNull();
    }

    [Fact]
    public void Find_ExactNameAndPatterns_MostSpecificWins()
    {
        var table = new PriceTable([Row("gpt-4o*", "2024-01-01", 1), Row("gpt-4o-mini*", "2024-01-01", 2), Row("gpt-4o-mini-2024-07-18", "2024-01-01", 3)]);
        var t = Micros("2025-01-01T00:00:00Z");

        table.Find("gpt-4o-2024-08-06", t)!.InputPerMillion.Should().Be(1);
        table.Find("gpt-4o-mini", t)!.InputPerMillion.Should().Be(2);
        table.Find("GPT-4o-Mini-2024-07-18", t)!.InputPerMillion.Should().Be(3);
    }

    [Fact]
    public void Find_SpecificKeyNotYetValid_FallsBackToPatternValidThen()
    {
        var table = new PriceTable([Row("gpt-*", "2024-01-01", 1), Row("gpt-5", "2025-08-01", 9)]);

        table.Find("gpt-5", Micros("2025-07-31T12:00:00Z"))!.InputPerMillion.Should().Be(1);
        table.Find("gpt-5", Micros("2025-08-01T00:00:00Z"))!.InputPerMillion.Should().Be(9);
    }

    [Theory]
    [InlineData("a*", "abc", true)]
    [InlineData("a*", "a", true)]
    [InlineData("*c", "abc", true)]
    [InlineData("a*c", "abbbc", true)]
    [InlineData("a*c", "abcd", false)]
    [InlineData("*mini*", "gpt-4o-mini-2024", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("ab*ba", "aba", false)]
    [InlineData("abc", "abcd", false)]
    [InlineData("ABC", "abc", true)]
    public void Matches_Pattern_AsGlob(string key, string model, bool expected)
    {
        PriceTable.Matches(key, model).Should().Be(expected);
    }

    [Fact]
    public void Cost_CachedPartOfPrompt_BilledAtCachedPrice()
    {
        var price = Row("m", "2025-01-01", input: 2, output: 8, cached: 0.5);

        price.Cost(prompt: 1_000_000, completion: 500_000, cached: 400_000).Should().BeApproximately(600_000 * 2e-6 + 400_000 * 0.5e-6 + 500_000 * 8e-6, 1e-9);
        Row("m", "2025-01-01", input: 2, output: 8).Cost(1_000_000, 0, 400_000).Should().BeApproximately(2, 1e-9);
    }

    [Fact]
    public void Cost_PerKindRows_SumToCombinedCost()
    {
        var price = Row("m", "2025-01-01", input: 2, output: 8, cached: 0.5);

        var perRow = price.Cost(TokenKind.Prompt, 1000) + price.Cost(TokenKind.Completion, 300) + price.Cost(TokenKind.Cached, 200);

        perRow.Should().BeApproximately(price.Cost(1000, 300, 200), 1e-12);
    }
}
