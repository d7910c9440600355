using Dashboard.Predictions;
using Dashboard.Storage;
using Dashboard.Storage.Rollups;

namespace Dashboard.Tests.Predictions;

/// <summary>Folding commits into state read from storage: the result equals a fresh read, whatever commits the read held.</summary>
public sealed class PredictionLiveStateTests
{
    private const long Minute = 60_000_000;
    private const long T0 = 1_800_000_000_000_000;

    private static ExpandedEvent Prediction(int i)
    {
        var ts = T0 + i * 7 * Minute;
        var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = i % 9 == 8 ? "prediction_error" : "prediction" };
        if (i % 9 == 8)
        {
            e.Points.Add(new MetricPoint(MetricNames.PredictionError, ts, 1, null, """{"error_type":"Timeout"}"""));
            return e;
        }
        var label = new[] { "positive", "negative", "<b>neutral</b>", null }[i % 4];
        var meta = label is null ? """{"model_version":"v3"}""" : $$"""{"label":"{{label}}","model_version":"v3"}""";
        e.Points.Add(new MetricPoint(MetricNames.PredictionConfidence, ts, 0.3 + i % 7 * 0.1, null, meta));
        if (i % 2 == 0)
        {
            e.Points.Add(new MetricPoint(MetricNames.PredictionProcessingTime, ts, 0.05 * (i % 3), null, meta));
        }
        return e;
    }

    // 40 commits of 5 events each; RunEvents as the writer returns it (the run's count after the commit).
    private static List<CommittedRun> Commits()
    {
        var commits = new List<CommittedRun>();
        for (var c = 0; c < 40; c++)
        {
            var commit = new CommittedRun("clf", "default", c == 0) { Events = 5, RunEvents = (c + 1) * 5 };
            commit.AcceptedEvents.AddRange(Enumerable.Range(c * 5, 5).Select(Prediction));
            commits.Add(commit);
        }
        return commits;
    }

    // What storage reads after the first `held` commits: the totals and time buckets of their events.
    private static (PredictionTotals Totals, PredictionTimeline Timeline) Read(IReadOnlyList<CommittedRun> commits, int held)
    {
        var points = commits.Take(held).SelectMany(c => c.AcceptedEvents).SelectMany(e => e.Points).ToList();
        var totals = PredictionTotals.FromRaw(new PredictionData(
            [.. points.Where(p => p.Name == MetricNames.PredictionConfidence).Select(p => new ConfidencePoint(p.Timestamp, p.Value, MetadataText.Get(p.MetadataJson, "label")))],
            [.. points.Where(p => p.Name == MetricNames.PredictionProcessingTime).Select(p => p.Value)],
            points.Count(p => p.Name == MetricNames.PredictionError)));
        totals.RunEvents = held * 5L;
        var timeline = new PredictionTimeline(T0, T0 + 2000 * Minute, 10 * Minute, sliding: false);
        timeline.Load(
            points.Where(p => p.Name == MetricNames.PredictionConfidence).GroupBy(p => (p.Timestamp - T0) / (10 * Minute))
                .Select(g => (T0 + g.Key * 10 * Minute, (long)g.Count(), g.Average(p => p.Value))),
            points.Where(p => p.Name == MetricNames.PredictionError).GroupBy(p => (p.Timestamp - T0) / (10 * Minute))
                .Select(g => (T0 + g.Key * 10 * Minute, (long)g.Count())));
        return (totals, timeline);
    }

    private static void AssertSameAsFreshRead(PredictionLiveState state, IReadOnlyList<CommittedRun> commits)
    {
        var (totals, timeline) = Read(commits, commits.Count);
        var fresh = PredictionSummaryCalculator.Compute("clf", TimeWindow.All, totals);
        var folded = state.Summary;
        folded.Labels.Should().BeEquivalentTo(fresh.Labels, o => o.WithStrictOrdering());
        folded.ConfidenceBuckets.Should().Be(fresh.ConfidenceBuckets);
        folded.ByHour.Should().Equal(fresh.ByHour);
        (folded.Predictions, folded.Errors, folded.ErrorRate).Should().Be((fresh.Predictions, fresh.Errors, fresh.ErrorRate));
        folded.AverageConfidence.Should().BeApproximately(fresh.AverageConfidence!.Value, 1e-12);
        folded.PredictionsPerMinute.Should().BeApproximately(fresh.PredictionsPerMinute, 1e-9);
        (state.Timeline.TotalPredictions, state.Timeline.TotalErrors).Should().Be((timeline.TotalPredictions, timeline.TotalErrors));
        var rate = state.Timeline.RateChart().Series[0].Points.Select(p => p.Y);
        rate.Should().Equal(timeline.RateChart().Series[0].Points.Select(p => p.Y));
    }

    [Theory]
    [InlineData(12, 12)] // subscribed, then read: nothing committed in between
    [InlineData(12, 20)] // 8 commits landed between subscribing and the read's snapshot: queued and held both
    [InlineData(0, 7)]   // the page subscribed before the run's first commit
    public void Fold_CommitsQueuedFromSubscriptionOn_SameAsAFreshRead(int subscribedAfter, int held)
    {
        var commits = Commits();
        var (totals, timeline) = Read(commits, held);
        var state = new PredictionLiveState("clf", TimeWindow.All, long.MinValue, totals, timeline, totals.RunEvents);

        // The page's queue holds every commit published after it subscribed, some of which the read already holds.
        var queued = commits.Skip(subscribedAfter).ToList();
        state.Fold(queued.Take(10));
        state.Fold(queued.Skip(10));

        AssertSameAsFreshRead(state, commits);
    }

    [Fact]
    public void Fold_TimelineReadLaterThanTotals_EachPartFoldsWhatItLacks()
    {
        var commits = Commits();
        var (totals, _) = Read(commits, 10);
        var (_, timeline) = Read(commits, 15);
        var state = new PredictionLiveState("clf", TimeWindow.All, long.MinValue, totals, timeline, 15 * 5);

        state.Fold(commits.Skip(5));

        AssertSameAsFreshRead(state, commits);
    }

    [Fact]
    public void Fold_PeerCommitOrProcessingTimes_AsksForARead()
    {
        var commits = Commits();
        var (totals, timeline) = Read(commits, 10);
        var state = new PredictionLiveState("clf", TimeWindow.All, long.MinValue, totals, timeline, totals.RunEvents);
        var peer = new CommittedRun("clf", "default", false) { FromPeer = true, Events = 3 };

        state.Fold(commits.Take(10)).Should().Be(FoldOutcome.Nothing, "the read holds them all");
        state.Fold([peer]).Should().Be(FoldOutcome.RenderAndRead);
        state.Fold([commits[10]]).Should().Be(FoldOutcome.RenderAndRead, "its processing times need the percentiles read again");
    }

    [Fact]
    public void Place_ByRunEventCount_HeldNewOrUnknown()
    {
        var commit = new CommittedRun("r", "p", false) { Events = 2, RunEvents = 7 };

        PredictionFold.Place(commit, 7).Should().Be(CommitPlace.Held);
        PredictionFold.Place(commit, 6).Should().Be(CommitPlace.New);
        PredictionFold.Place(new CommittedRun("r", "p", false) { Events = 2 }, 7).Should().Be(CommitPlace.Unknown);
        PredictionFold.Place(new CommittedRun("r", "p", false) { Events = 0 }, 7).Should().Be(CommitPlace.Held, "nothing was stored");
    }
}
