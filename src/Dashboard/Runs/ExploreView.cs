using System.Globalization;
using Dashboard.Components.Charts;
using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>
/// The explorer's state as it travels in the URL (run=, metric= repeated; group=, agg=, range= or from=/to=), its
/// validation (a bad value names its field) and the charts it yields: one chart per metric, one line per group.
/// It lives beside the run page, which links to it, rather than in Explore/: the explorer page imports the chart
/// components, so a run page importing Explore would close a cycle between folders (FolderDependencyTests).
/// </summary>
public sealed record ExploreView(IReadOnlyList<string> Runs, IReadOnlyList<string> Metrics, string? Group,
    ExplorerAggregation Aggregation, RunRange Range)
{
    public const int MaxRuns = 10;
    public const int MaxMetrics = 8;
    public const int MaxGroups = 12;

    public static readonly IReadOnlyList<(string Value, ExplorerAggregation Aggregation, string Label)> Aggregations =
        [("mean", ExplorerAggregation.Mean, "Mean"), ("p95", ExplorerAggregation.P95, "p95"), ("count", ExplorerAggregation.Count, "Count"), ("sum", ExplorerAggregation.Sum, "Sum")];

    public string AggregationText => Aggregations.First(a => a.Aggregation == Aggregation).Value;

    /// <summary>Reads the URL's state; returns (field, message) for the first bad parameter.</summary>
    public static (string Field, string Message)? TryParse(string[]? runs, string[]? metrics, string? group, string? agg,
        string? range, string? from, string? to, DateTimeOffset now, out ExploreView view)
    {
        view = new ExploreView([], [], null, ExplorerAggregation.Mean, new RunRange(RunRange.Default, long.MinValue, long.MaxValue, null, null));
        var runList = Distinct(runs);
        var metricList = Distinct(metrics);
        if (runList.Count > MaxRuns)
        {
            return ("run", $"Choose at most {MaxRuns} runs.");
        }
        if (runList.FirstOrDefault(r => !RunNameRule.IsValid(r)) is { } badRun)
        {
            return ("run", $"'{badRun}' is not a run name: {RunNameRule.Description}");
        }
        if (metricList.Count > MaxMetrics)
        {
            return ("metric", $"Choose at most {MaxMetrics} metrics.");
        }
        var aggregation = ExplorerAggregation.Mean;
        if (!string.IsNullOrEmpty(agg))
        {
            if (Aggregations.FirstOrDefault(a => a.Value == agg) is not { Value: not null } found)
            {
                return ("agg", "agg must be mean, p95, count or sum.");
            }
            aggregation = found.Aggregation;
        }
        if (group is { Length: > 200 })
        {
            return ("group", "group must be a metadata key of at most 200 characters.");
        }
        if (RunRange.TryParse(range, from, to, now, out var parsed) is { } field)
        {
            return (field, field == "range" ? "range must be 5m, 1h, 24h or all (or give from and to)."
                : $"{field} must be an ISO-8601 time such as 2026-11-20T09:00:00Z, and from must not be after to.");
        }
        view = new ExploreView(runList, metricList, string.IsNullOrWhiteSpace(group) ? null : group, aggregation, parsed);
        return null;
    }

    /// <summary>Most metrics a run page's link preselects: enough to see the run at a glance, few enough to read.</summary>
    public const int RunLinkMetrics = 4;

    /// <summary>
    /// The explorer opened from a run page: that run, its range, and the metrics of the kinds it records (generation time
    /// and success, scores, prediction confidence, pipeline time, then custom metrics), so the first view shows charts
    /// rather than an empty picker; the link is this view's own <see cref="ToHref"/>, so the address round-trips.
    /// </summary>
    public static string ForRun(string run, RunRange range, RunPageState state)
    {
        var metrics = new List<string>();
        if (state.GenerationTime.Count > 0)
        {
            metrics.Add(MetricNames.GenerationTime);
        }
        if (state.Generations > 0)
        {
            metrics.Add(MetricNames.SuccessRate);
        }
        metrics.AddRange(state.Scores.Select(s => "evaluation_score_" + s));
        if (state.Predictions > 0)
        {
            metrics.Add(MetricNames.PredictionConfidence);
        }
        if (state.PipelineExecutions > 0)
        {
            metrics.Add(MetricNames.PipelineExecutionTime);
        }
        metrics.AddRange(state.CustomMetrics);
        return new ExploreView([run], [.. metrics.Take(RunLinkMetrics)], null, ExplorerAggregation.Mean, range).ToHref();
    }

    /// <summary>This view's address; every control and a zoom navigate to a changed copy, so any view can be shared.</summary>
    public string ToHref()
    {
        var parts = new List<string>();
        parts.AddRange(Runs.Select(r => "run=" + Uri.EscapeDataString(r)));
        parts.AddRange(Metrics.Select(m => "metric=" + Uri.EscapeDataString(m)));
        if (Group is not null)
        {
            parts.Add("group=" + Uri.EscapeDataString(Group));
        }
        parts.Add("agg=" + AggregationText);
        parts.Add(Range.IsCustom ? "range=custom&" + Range.ToQuery() : "range=" + Range.Text);
        return "explore?" + string.Join('&', parts);
    }

    /// <summary>The group's name on the chart: run ids become run names; points without the key say so.</summary>
    public string SeriesName(string metric, string? group, IReadOnlyDictionary<long, string> runNames)
    {
        if (Group is null)
        {
            return metric;
        }
        if (group is null)
        {
            return $"(no {Group})";
        }
        return Group == ExplorerGroups.Run && long.TryParse(group, CultureInfo.InvariantCulture, out var id) && runNames.TryGetValue(id, out var name)
            ? name : group;
    }

    /// <summary>One time chart for one metric's result, spanning [from, to] (ms), its lines broken across empty buckets.</summary>
    public ChartSpec Chart(string metric, ExplorerResult result, IReadOnlyDictionary<long, string> runNames, TimeSpanMs span, long bucketMicros) =>
        new(ChartKind.Line, [.. result.Series.Select(s => new ChartSeries(SeriesName(metric, s.Group, runNames),
            ChartLines.Broken(s.Buckets.Select(b => new ChartPoint(b.Start / 1000d, b.Value)), bucketMicros / 1000d)))])
        {
            Axes = [Aggregation == ExplorerAggregation.Count
                ? new ChartAxis("Points per bucket", Units.Count, Integer: true)
                : new ChartAxis($"{AggregationText} of {metric}", UnitOf(metric))],
            Time = span,
        };

    /// <summary>Seconds for the durations afterimage records (*_time); other metrics are plain numbers.</summary>
    public static string UnitOf(string metric) => metric.EndsWith("_time", StringComparison.Ordinal) ? Units.Seconds : Units.Plain;

    private static List<string> Distinct(string[]? values) =>
        [.. (values ?? []).Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.Trim()).Distinct(StringComparer.Ordinal)];
}
