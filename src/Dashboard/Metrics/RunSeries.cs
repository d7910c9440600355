namespace Dashboard.Metrics;

/// <summary>
/// One run's exported series, folded from committed events: per model and per evaluation score name.
/// Each series keeps its label set escaped once, so a scrape of thousands of series only appends strings.
/// </summary>
internal sealed class RunSeries(string run)
{
    public string Run { get; } = run;
    public string Labels { get; } = PrometheusTextWriter.Labels([new("run", run)]);
    public Dictionary<string, ModelSeries> Models { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, ScoreSeries> Scores { get; } = new(StringComparer.Ordinal);
    public long Evaluations { get; set; }
}

/// <summary>Generation time as histogram counts (not cumulative), generations, failures and tokens by type for one (run, model).</summary>
internal sealed class ModelSeries(string run, string model)
{
    public string Model { get; } = model;
    public string Labels { get; } = PrometheusTextWriter.Labels([new("run", run), new("model", model)]);
    public long[] Buckets { get; } = new long[RunMetricsFolder.GenerationBuckets.Length];
    public double DurationSum { get; private set; }
    public long DurationCount { get; private set; }
    public long Generations { get; set; }
    public long Failures { get; set; }
    public Dictionary<string, TokenCounter> Tokens { get; } = new(StringComparer.Ordinal);

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

    public void AddTokens(string run, string model, string type, double tokens)
    {
        if (!Tokens.TryGetValue(type, out var counter))
        {
            Tokens[type] = counter = new TokenCounter(PrometheusTextWriter.Labels([new("run", run), new("model", model), new("type", type)]));
        }
        counter.Value += tokens;
    }
}

internal sealed class TokenCounter(string labels)
{
    public string Labels { get; } = labels;
    public double Value { get; set; }
}

internal sealed class ScoreSeries(string run, string score)
{
    public string Labels { get; } = PrometheusTextWriter.Labels([new("run", run), new("score", score)]);
    public double Sum { get; set; }
    public long Count { get; set; }
}
