namespace Dashboard.Costs;

/// <summary>
/// Rate and ETA of a run towards its target from completed samples per minute over the last 15 minutes (fewer when the
/// run is younger). The rate is the mean per-minute count r; its standard error is sqrt(max(s², r) / k) over the k
/// minutes, where s² is the sample variance of the counts (bursty traffic widens the interval) floored by r, the
/// variance a steady Poisson stream would have (so a perfectly even minute-by-minute count still carries its counting
/// error). The rate's 95% interval r ± 1.96·se gives the ETA's interval: the earliest ETA at the upper rate, the latest
/// at the lower rate (none when the lower rate reaches zero: the run may never finish at this pace).
/// </summary>
public static class EtaEstimator
{
    public const int WindowMinutes = 15;
    private const double Z95 = 1.96;

    /// <param name="remaining">Samples still needed (target minus progress).</param>
    /// <param name="perMinute">Completed samples per whole minute counted back from now (any order).</param>
    /// <param name="now">The time the ETAs count from.</param>
    public static EtaEstimate Estimate(long remaining, IReadOnlyList<long> perMinute, DateTimeOffset now)
    {
        var k = perMinute.Count;
        if (k == 0)
        {
            return new EtaEstimate(0, 0, 0, null, null, null);
        }
        var mean = perMinute.Sum() / (double)k;
        var variance = k > 1 ? perMinute.Sum(c => (c - mean) * (c - mean)) / (k - 1) : mean;
        var se = Math.Sqrt(Math.Max(variance, mean) / k);
        var low = Math.Max(0, mean - Z95 * se);
        var high = mean + Z95 * se;
        if (remaining <= 0 || mean <= 0)
        {
            return new EtaEstimate(mean, low, high, remaining <= 0 ? now : null, remaining <= 0 ? now : null, remaining <= 0 ? now : null);
        }
        return new EtaEstimate(mean, low, high, At(now, remaining, mean), At(now, remaining, high), low > 0 ? At(now, remaining, low) : null);
    }

    private static DateTimeOffset? At(DateTimeOffset now, long remaining, double perMinute)
    {
        var minutes = remaining / perMinute;
        // Beyond DateTimeOffset's range the honest answer is "not in any foreseeable time".
        return minutes < (DateTimeOffset.MaxValue - now).TotalMinutes ? now.AddMinutes(minutes) : null;
    }
}

/// <summary>Samples per minute (mean and 95% interval) and the ETA they give; ETAs are null when not reachable.</summary>
public sealed record EtaEstimate(double RatePerMinute, double RateLow, double RateHigh, DateTimeOffset? Eta,
    DateTimeOffset? EtaEarliest, DateTimeOffset? EtaLatest);
