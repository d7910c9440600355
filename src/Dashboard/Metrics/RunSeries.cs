namespace Dashboard.Metrics;

/// <summary>One run's exported series, folded from committed events: per model and per evaluation score name.</summary>
internal sealed class RunSeries(string run)
{
    public string Run { get; } = run;
    public Dictionary<string, ModelSeries> Models { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ScoreSeries> Scores { get; } = new(StringComparer.Ordinal);
    public long Evaluations { get; set; }
}

/// <summary>Generation time as histogram counts (not cumulative), generations, failures and tokens by type for one (run, model).</summary>
internal sealed class ModelSeries
{
    public long[] Buckets { get; } = new long[RunMetricsFolder.GenerationBuckets.Length];
    public double DurationSum { get; private set; }
    public long DurationCount { get; private set; }
    public long Generations { get; set; }
    public long Failures { get; set; }
    public Dictionary<string, double> Tokens { get; } = new(StringComparer.Ordinal);

    public void Observe(double seconds)
    {
        var bounds = RunMetricsFolder.GenerationBuckets;
        var i = Array.BinarySearch(bounds, seconds);
        // le is inclusive: a value equal to a bound counts in that bound's bucket.
        i = i >= 0 ? i : ~i;
        if (i < bounds.Length)
        {
            Buckets[i]++;
        }
        DurationSum += seconds;
        DurationCount++;
    }
}

internal sealed class ScoreSeries
{
    public double Sum { get; set; }
    public long Count { get; set; }
}
