using Dashboard.Costs;
using Dashboard.Storage;

namespace Dashboard.Tests.Costs;

public sealed class CostCalculatorTests
{
    private const long Day = 86_400_000_000;
    private static readonly long Jan1 = Timestamps.ToMicros(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static PriceEntry Row(string model, string from, double input, double output) =>
        new(model, DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), input, output, null, "USD");

    [Fact]
    public void Compute_UnpricedModel_CountedNotZero()
    {
        var table = new PriceTable([Row("a", "2024-01-01", 1, 2)]);
        TokenAggregate[] rows =
        [
            new(1, TokenKind.Prompt, "a", Jan1, 1_000_000, 10),
            new(1, TokenKind.Completion, "a", Jan1, 1_000_000, 10),
            new(1, TokenKind.Prompt, "llama", Jan1, 5_000_000, 7),
            new(1, TokenKind.Prompt, null, Jan1, 100, 1),
        ];

        var b = CostCalculator.Compute(rows, table);

        b.Cost.Should().BeApproximately(3, 1e-9);
        b.PricedPoints.Should().Be(20);
        b.UnpricedPoints.Should().Be(8);
        b.Models.Single(m => m.Model == "llama").Cost.Should().BeNull();
        b.Models.Single(m => m.Model == "unknown").Cost.Should().BeNull();
        b.Series.Select(s => s.Model).Should().Equal("a");
    }

    [Fact]
    public void Compute_PriceChangeBetweenDays_EachDayAtItsPrice()
    {
        var table = new PriceTable([Row("a", "2025-01-01", 1, 0), Row("a", "2025-01-02", 10, 0)]);
        TokenAggregate[] rows = [new(1, TokenKind.Prompt, "a", Jan1 + Day - 60_000_000, 1_000_000, 1), new(1, TokenKind.Prompt, "a", Jan1 + Day, 1_000_000, 1)];

        var b = CostCalculator.Compute(rows, table);

        b.Cost.Should().BeApproximately(11, 1e-9);
        b.Series.Single().Buckets.Select(x => x.Cost).Should().Equal(1, 10);
    }

    [Fact]
    public void Compute_SameModelAcrossRuns_SummedPerBucket()
    {
        var table = new PriceTable([Row("a", "2024-01-01", 1, 0)]);
        TokenAggregate[] rows = [new(1, TokenKind.Prompt, "a", Jan1, 1_000_000, 1), new(2, TokenKind.Prompt, "a", Jan1, 2_000_000, 1)];

        var b = CostCalculator.Compute(rows, table);

        b.Series.Single().Buckets.Single().Cost.Should().BeApproximately(3, 1e-9);
        b.Models.Single().PromptTokens.Should().Be(3_000_000);
    }

    [Fact]
    public void Compute_Nothing_ZeroPointsNoModels()
    {
        var b = CostCalculator.Compute([], PriceTable.Empty);

        b.PricedPoints.Should().Be(0);
        b.UnpricedPoints.Should().Be(0);
        b.Models.Should().BeEmpty();
    }
}
