using Dashboard.Runs;

namespace Dashboard.Tests.Runs;

public sealed class RunsActivityTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 5, 0, 10, TimeSpan.Zero);

    [Fact]
    public void Add_SameMinute_FoldsIntoTheLastBucket()
    {
        var activity = new RunsActivity(60);
        activity.Missing(["a"], Start).Should().Equal("a");
        activity.Load(new Dictionary<string, int[]> { ["a"] = Enumerable.Repeat(1, 60).ToArray() }, Start);

        activity.Add("a", 5, Start.AddSeconds(20)).Should().BeTrue();

        activity.Of("a")[^1].Should().Be(6);
        activity.Of("a").Sum().Should().Be(65);
    }

    [Fact]
    public void Add_MinutesLater_ShiftsTheWindow()
    {
        var activity = new RunsActivity(60);
        activity.Missing(["a"], Start);
        activity.Load(new Dictionary<string, int[]> { ["a"] = Enumerable.Range(1, 60).ToArray() }, Start);

        activity.Add("a", 7, Start.AddMinutes(3));

        activity.Of("a")[0].Should().Be(4, "three minutes dropped off the start");
        activity.Of("a")[^4].Should().Be(60);
        activity.Of("a")[^1].Should().Be(7);
        activity.Of("a")[^2].Should().Be(0);
    }

    [Fact]
    public void Missing_RunsNoLongerShown_AreForgottenAndNotFolded()
    {
        var activity = new RunsActivity(60);
        activity.Missing(["a", "b"], Start);
        activity.Load(new Dictionary<string, int[]> { ["a"] = new int[60], ["b"] = new int[60] }, Start);

        activity.Missing(["b", "c"], Start).Should().Equal("c");

        activity.Add("a", 1, Start).Should().BeFalse();
        activity.Of("a").Should().BeEmpty();
    }
}
