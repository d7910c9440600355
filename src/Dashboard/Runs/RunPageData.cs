using Dashboard.Storage;

namespace Dashboard.Runs;

/// <summary>
/// Everything a run page draws for one range, computed on the server. Lines are [unix ms, value] pairs,
/// at most <see cref="SeriesMath.MaxChartPoints"/> per line.
/// </summary>
public sealed record RunPageData(
    string Run,
    string Project,
    string Range,
    DateTimeOffset? From,
    DateTimeOffset? To,
    DateTimeOffset? LastEvent,
    GenerationSummary Generations,
    IReadOnlyList<LineSeries> SuccessSeries,
    DistributionData GenerationTime,
    IReadOnlyList<LineSeries> TokenSeries,
    TokenUsageReport Tokens,
    IReadOnlyList<NamedCount> ModelUsage,
    IReadOnlyList<NamedCount> FinishReasons,
    IReadOnlyList<LineSeries> EvaluationSeries,
    DistributionData EvaluationTime,
    IReadOnlyList<JudgeFeedback> Feedback,
    DistributionData ConversationLength,
    IReadOnlyList<string> Metrics);

/// <summary>
/// Generations in range. FailureShare = failed / generations = 1 - mean(success_rate): the true error rate.
/// afterimage records error_rate only on failures, so the mean of those points would always read 100%.
/// </summary>
public sealed record GenerationSummary(long Count, long Failed, double? SuccessRate, double? FailureShare);

public sealed record LineSeries(string Name, string Label, IReadOnlyList<double[]> Points, long RawCount);

public sealed record DistributionData(string Metric, MetricStats Stats, IReadOnlyList<HistogramBin> Bins);

/// <summary>Count of one model_usage:* or finish_reason:* metric in range, and its share of the group.</summary>
public sealed record NamedCount(string Name, long Count, double Share);

/// <summary>One metric as a rolling-mean line over its raw points (afterimage's plot_metric).</summary>
public sealed record RollingSeriesResponse(string Name, string Range, int Rolling, long Count, IReadOnlyList<double[]> Points);
