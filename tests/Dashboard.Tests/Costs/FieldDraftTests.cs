using Dashboard.Costs;

namespace Dashboard.Tests.Costs;

/// <summary>The cost dialogs' drafts: typed text goes through the API's parser, and each fault lands on its field.</summary>
public sealed class FieldDraftTests
{
    private static readonly DateOnly Today = new(2026, 12, 1);

    [Fact]
    public void PriceDraftBuild_ValidRow_ReturnsTableWithTheRow()
    {
        var draft = PriceDraft.New("USD", Today);
        draft.Model = "gpt-4o";
        draft.Input = "2.5";
        draft.Output = "10";

        var table = draft.Build([]);

        draft.Errors.Should().BeEmpty();
        table.Should().ContainSingle().Which.Should().Be(new PriceEntry("gpt-4o", Today, 2.5, 10, null, "USD"));
    }

    [Theory]
    [InlineData("cheap")]
    [InlineData("Infinity")]
    [InlineData("NaN")]
    public void PriceDraftBuild_PriceNotAFiniteNumber_ErrorOnThatField(string input)
    {
        var draft = PriceDraft.New("USD", Today);
        draft.Model = "gpt-4o";
        draft.Input = input;
        draft.Output = "10";

        var table = draft.Build([]);

        table.Should().BeNull();
        draft.Error("input_per_million").Should().Contain("must be a number");
        draft.Errors.Keys.Should().Equal("input_per_million");
    }

    [Fact]
    public void GoalDraftBuild_WholeTarget_SentAsInteger()
    {
        var draft = new GoalDraft { Target = "1000" };

        var goal = draft.Build();

        draft.Errors.Should().BeEmpty();
        goal!.Target.Should().Be(1000);
    }

    [Fact]
    public void GoalDraftBuild_TextTarget_ErrorOnTarget()
    {
        var draft = new GoalDraft { Target = "lots" };

        var goal = draft.Build();

        goal.Should().BeNull();
        draft.Error("target").Should().NotBeNullOrEmpty();
    }
}
