using Bunit;
using Dashboard.Components.Shared;
using Dashboard.Runs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Tests.Components;

public sealed class RangePickerTests : ComponentTest
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private IRenderedComponent<RangePicker> Render(string run, string range, string? from = null, string? to = null, string? keep = null)
    {
        RunRange.TryParse(range, from, to, Now, out var r).Should().BeNull();
        return Render<RangePicker>(p => p.Add(c => c.Run, run).Add(c => c.Range, r).Add(c => c.LastEvent, Now).Add(c => c.KeepQuery, keep));
    }

    private string Url => Services.GetRequiredService<NavigationManager>().Uri;

    [Fact]
    public void Render_RunWithColonAndHostileName_EncodesLinksAndShowsNameAsText()
    {
        var cut = Render("exp:1/<b>a</b>", "1h");

        cut.Find("#range-form").GetAttribute("action").Should().Be("runs/exp%3A1%2F%3Cb%3Ea%3C%2Fb%3E");
        cut.Find(".run-title").TextContent.Should().Be("exp:1/<b>a</b>");
        cut.FindAll(".run-title b").Should().BeEmpty();
        cut.FindAll("#downloads a").Select(a => a.GetAttribute("href")).Should().HaveCount(5)
            .And.Contain("api/v1/runs/exp%3A1%2F%3Cb%3Ea%3C%2Fb%3E/export?format=parquet&window=1h");
        cut.FindAll("#range-apply").Should().BeEmpty("a choice applies at once");
    }

    [Fact]
    public void Change_PresetChosen_NavigatesAtOnceKeepingOtherQuery()
    {
        var cut = Render("r", "1h", keep: "level=error");

        cut.Find("#range-select").Change("24h");

        Url.Should().EndWith("runs/r?range=24h&level=error");
    }

    [Fact]
    public void Change_CustomThenOneBound_AppliesWithTheShownOtherBound()
    {
        var cut = Render("r", "1h");
        cut.FindAll("#range-from").Should().BeEmpty("from/to show only for a custom range");

        cut.Find("#range-select").Change("custom");
        var before = Url;
        cut.Find("#range-from").Change("2026-11-20T09:15");

        before.Should().NotContain("custom", "choosing custom alone changes nothing yet");
        Url.Should().EndWith("runs/r?range=custom&from=2026-11-20T09%3A15%3A00Z&to=2026-11-20T10%3A00%3A00Z");
    }

    [Fact]
    public void Change_FromAfterTo_SaysSoAndStays()
    {
        var cut = Render("r", "custom", "2026-11-20T09:00", "2026-11-20T09:30");
        var before = Url;

        cut.Find("#range-from").Change("2026-11-20T11:00");

        cut.Find("#range-error").TextContent.Should().Be("From must not be after To.");
        Url.Should().Be(before);
        cut.Find("#range-from").Change("");
        cut.Find("#range-error").TextContent.Should().Contain("Give both From and To");
    }
}
