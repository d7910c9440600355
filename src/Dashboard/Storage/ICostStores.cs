
namespace Dashboard.Storage;

/// <summary>The price table (issue 16): read whole, replaced whole, or merged row by row (model key and day).</summary>
public interface IPriceStore
{
    Task<IReadOnlyList<PriceEntry>> GetPricesAsync(CancellationToken ct);

    Task ReplacePricesAsync(IReadOnlyList<PriceEntry> prices, CancellationToken ct);

    /// <summary>Adds the rows, replacing stored rows of the same model key (case-insensitive) and valid-from day.</summary>
    Task MergePricesAsync(IReadOnlyList<PriceEntry> prices, CancellationToken ct);
}

/// <summary>Token sums and sample counts that cost and goal figures are computed from; never one row per point.</summary>
public interface ICostReader
{
    /// <summary>The run's id, project and time of its first point, or null when no such run exists.</summary>
    Task<CostRun?> GetRunAsync(string run, CancellationToken ct);

    Task<IReadOnlyList<CostRun>> GetRunsAsync(IReadOnlyCollection<string> runs, CancellationToken ct);

    Task<IReadOnlyList<CostRun>> GetProjectRunsAsync(string project, CancellationToken ct);

    /// <summary>Runs whose newest point is at or after <paramref name="since"/> (the only runs that can have spent since).</summary>
    Task<IReadOnlyList<CostRun>> GetRunsActiveSinceAsync(long since, CancellationToken ct);

    /// <summary>Sums of the priced token metrics per run, metric, model and time bucket of <paramref name="bucketMicros"/>
    /// (aligned to the Unix epoch, so a bucket dividing a day never spans two days) over [from, to].</summary>
    Task<IReadOnlyList<TokenAggregate>> GetTokenAggregatesAsync(IReadOnlyCollection<long> runIds, long from, long to,
        long bucketMicros, CancellationToken ct);

    /// <summary>Points of <paramref name="metric"/> with a value of at least <paramref name="min"/> in [from, to].</summary>
    Task<long> CountAtLeastAsync(long runId, string metric, double min, long from, long to, CancellationToken ct);

    /// <summary>The same count per bucket of <paramref name="bucketMicros"/> counted back from <paramref name="to"/>:
    /// element 0 is the newest bucket (to - bucket, to].</summary>
    Task<long[]> CountAtLeastPerBucketAsync(long runId, string metric, double min, long to, long bucketMicros, int buckets,
        CancellationToken ct);

    /// <summary>Names of the run's metrics that start with <paramref name="prefix"/>.</summary>
    Task<IReadOnlyList<string>> GetMetricNamesAsync(long runId, string prefix, CancellationToken ct);
}

/// <summary>Run goals and acceptance thresholds per score name.</summary>
public interface IGoalStore
{
    Task<RunGoal?> GetGoalAsync(long runId, CancellationToken ct);

    Task SaveGoalAsync(long runId, RunGoal goal, CancellationToken ct);

    Task<bool> DeleteGoalAsync(long runId, CancellationToken ct);

    /// <summary>Score name (as in evaluation scores, without the evaluation_score_ prefix) to minimum accepted score.</summary>
    Task<IReadOnlyDictionary<string, double>> GetScoreThresholdsAsync(CancellationToken ct);

    Task SaveScoreThresholdsAsync(IReadOnlyDictionary<string, double> thresholds, CancellationToken ct);
}

public sealed record CostRun(long Id, string Name, string Project, long? FirstTs, long? LastTs);

/// <summary>Sum of one token metric's values and its point count, for one run, model (null when none) and bucket.</summary>
public sealed record TokenAggregate(long RunId, TokenKind Kind, string? Model, long BucketStart, double Tokens, long Points);
