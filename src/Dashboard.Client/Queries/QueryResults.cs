namespace Dashboard.Client;

/// <summary>Stats of one metric over a window (GET /api/v1/runs/{run}/stats); nulls when the window holds no points.</summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Window">The window the server applied.</param>
/// <param name="Count">Points in the window.</param>
/// <param name="Mean">Their mean.</param>
/// <param name="Min">Their minimum.</param>
/// <param name="Max">Their maximum.</param>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P95">95th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="NonFiniteCount">How many of the points are NaN or infinite (counted in <paramref name="Count"/>; README: non-finite values).</param>
/// <param name="NanCount">NaN points.</param>
/// <param name="PositiveInfinityCount">+Infinity points.</param>
/// <param name="NegativeInfinityCount">-Infinity points.</param>
public sealed record MetricStats(string Name, string Window, long Count, double? Mean, double? Min, double? Max,
    double? P50, double? P90, double? P95, double? P99, long NonFiniteCount = 0, long NanCount = 0,
    long PositiveInfinityCount = 0, long NegativeInfinityCount = 0)
{
    /// <summary>Fields the server added after this client was built (kept so nothing it says is lost).</summary>
    [System.Text.Json.Serialization.JsonExtensionData]
    public Dictionary<string, System.Text.Json.JsonElement>? Extra { get; init; }
}

/// <summary>One model's token sums.</summary>
/// <param name="ModelName">The model ("unknown" when the tokens carried none).</param>
/// <param name="PromptTokens">Prompt tokens.</param>
/// <param name="CompletionTokens">Completion tokens.</param>
/// <param name="TotalTokens">Total tokens.</param>
public sealed record ModelTokenUsage(string ModelName, long PromptTokens, long CompletionTokens, long TotalTokens);

/// <summary>afterimage's TokenUsageReport for a run (GET /api/v1/runs/{run}/tokens).</summary>
/// <param name="ByModel">Sums per model.</param>
/// <param name="TotalPromptTokens">Prompt tokens of every model.</param>
/// <param name="TotalCompletionTokens">Completion tokens of every model.</param>
/// <param name="TotalTokens">Total tokens of every model.</param>
public sealed record TokenUsageReport(IReadOnlyList<ModelTokenUsage> ByModel, long TotalPromptTokens, long TotalCompletionTokens, long TotalTokens);

/// <summary>New points of one metric since the hub's last push.</summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Count">New points.</param>
/// <param name="Sum">Their sum.</param>
/// <param name="Min">Their minimum.</param>
/// <param name="Max">Their maximum.</param>
/// <param name="Last">The newest point's value.</param>
/// <param name="LastTimestamp">The newest point's time.</param>
public sealed record MetricUpdate(string Name, long Count, double Sum, double Min, double Max, double Last, DateTimeOffset LastTimestamp);

/// <summary>The hub's MetricsAppended message: what one run gained since the last push, already committed.</summary>
/// <param name="Run">The run.</param>
/// <param name="Events">Events committed since the last push.</param>
/// <param name="Metrics">New points per metric.</param>
public sealed record MetricsAppended(string Run, int Events, IReadOnlyList<MetricUpdate> Metrics);
