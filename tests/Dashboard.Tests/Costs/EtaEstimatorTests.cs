using Dashboard.Costs;

namespace Dashboard.Tests.Costs;

public sealed class EtaEstimatorTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Estimate_SteadyRate_EtaAtRemainingOverRate()
    {
        var perMinute = Enumerable.Repeat(10L, 15).ToArray();

        var e = EtaEstimator.Estimate(300, perMinute, Now);

        e.RatePerMinute.Should().Be(10);
        e.Eta.Should().Be(Now.AddMinutes(30));
        // Poisson floor: se = sqrt(10 / 15); rate interval 10 +/- 1.96 se.
        var se = Math.Sqrt(10 / 15d);
        e.RateLow.Should().BeApproximately(10 - 1.96 * se, 1e-9);
        e.RateHigh.Should().BeApproximately(10 + 1.96 * se, 1e-9);
        e.EtaEarliest.Should().Be(Now.AddMinutes(300 / (10 + 1.96 * se)));
        e.EtaLatest.Should().Be(Now.AddMinutes(300 / (10 - 1.96 * se)));
    }

    [Fact]
    public void Estimate_BurstyRate_WiderThanSteady()
    {
        long[] bursty = [0, 0, 30, 0, 0, 30, 0, 0, 30, 0, 0, 30, 0, 0, 30];
        var steady = Enumerable.Repeat(10L, 15).ToArray();

        var b = EtaEstimator.Estimate(300, bursty, Now);
        var s = EtaEstimator.Estimate(300, steady, Now);

        b.RatePerMinute.Should().Be(10);
        (b.RateHigh - b.RateLow).Should().BeGreaterThan(s.RateHigh - s.RateLow);
    }

    [Fact]
    public void Estimate_NoRecentProgress_NoEta()
    {
        var e = EtaEstimator.Estimate(100, new long[15], Now);

        e.Eta.Should().BeNull();
        e.EtaEarliest.Should().BeNull();
        e.EtaLatest.Should().BeNull();
    }

    [Fact]
    public void Estimate_LowerRateZero_NoLatestEta()
    {
        long[] perMinute = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

        var e = EtaEstimator.Estimate(10, perMinute, Now);

        e.Eta.Should().Be(Now.AddMinutes(150));
        e.RateLow.Should().Be(0);
        e.EtaLatest.Should().BeNull();
    }

    [Fact]
    public void Estimate_TargetReached_EtaIsNow()
    {
        var e = EtaEstimator.Estimate(0, [5, 5], Now);

        e.Eta.Should().Be(Now);
    }

    [Fact]
    public void Estimate_SingleMinute_UsesPoissonVariance()
    {
        var e = EtaEstimator.Estimate(40, [4], Now);

        e.RatePerMinute.Should().Be(4);
        e.RateHigh.Should().BeApproximately(4 + 1.96 * 2, 1e-9);
        e.Eta.Should().Be(Now.AddMinutes(10));
    }

    [Fact]
    public void PastDeadline_Cases_FollowRule()
    {
        var eta = EtaEstimator.Estimate(100, Enumerable.Repeat(10L, 15).ToArray(), Now);

        GoalService.PastDeadline(100, 100, eta, Now.AddMinutes(5), Now).Should().BeTrue();
        GoalService.PastDeadline(100, 100, eta, Now.AddMinutes(11), Now).Should().BeFalse();
        GoalService.PastDeadline(100, 0, eta, Now.AddMinutes(-5), Now).Should().BeFalse();
        GoalService.PastDeadline(null, 100, eta, Now.AddMinutes(5), Now).Should().BeNull();
        var stalled = EtaEstimator.Estimate(100, new long[15], Now);
        GoalService.PastDeadline(100, 100, stalled, Now.AddMinutes(5), Now).Should().BeNull();
        GoalService.PastDeadline(100, 100, stalled, Now.AddMinutes(-5), Now).Should().BeTrue();
    }
}
