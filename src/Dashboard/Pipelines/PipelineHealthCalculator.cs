using Dashboard.Storage;

namespace Dashboard.Pipelines;

/// <summary>
/// calibrax's PipelineMonitor health: error rate above 0.5 is critical, above 0.2 degraded, else
/// healthy. The overall health is the worst pipeline's; calibrax's code never reports an overall
/// critical although its docs say it does, and here it does.
/// </summary>
public static class PipelineHealthCalculator
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Critical = "critical";
    public const string Unknown = "unknown";
    public const double CriticalErrorRate = 0.5;
    public const double DegradedErrorRate = 0.2;

    /// <summary>Most pipelines a report lists unless asked otherwise; the rest are counted in <see cref="PipelinesHealth.More"/>.</summary>
    public const int DefaultTop = 100;

    /// <summary>
    /// The report over every pipeline (the overall health is the worst of all of them), listing only the
    /// <paramref name="top"/> with the most executions, by name: a page or answer stays bounded however many pipelines
    /// clients invent.
    /// </summary>
    public static PipelinesHealth Compute(IEnumerable<PipelineAggregate> aggregates, int top = DefaultTop)
    {
        var all = aggregates.Select(Health).ToList();
        var overall = all.Count == 0 ? Unknown : all.Select(p => p.Health).MaxBy(Severity)!;
        var shown = all
            .OrderByDescending(p => p.Executions).ThenBy(p => p.Pipeline, StringComparer.Ordinal)
            .Take(top)
            .OrderBy(p => p.Pipeline, StringComparer.Ordinal)
            .ToList();
        return new PipelinesHealth(overall, shown, all.Count - shown.Count);
    }

    public static string HealthOf(double errorRate) => errorRate switch
    {
        > CriticalErrorRate => Critical,
        > DegradedErrorRate => Degraded,
        _ => Healthy,
    };

    private static PipelineHealth Health(PipelineAggregate a)
    {
        double? success = a.SuccessCount == 0 ? null : a.SuccessSum / a.SuccessCount;
        double? error = 1 - success;
        return new PipelineHealth(
            a.Pipeline,
            Math.Max(a.TimeCount, a.SuccessCount),
            success,
            error,
            a.TimeCount == 0 ? null : a.TimeSum / a.TimeCount,
            a.TimeMin,
            a.TimeMax,
            error is { } e ? HealthOf(e) : Unknown);
    }

    private static int Severity(string health) => health switch
    {
        Critical => 3,
        Degraded => 2,
        Unknown => 1,
        _ => 0,
    };
}

/// <summary>The overall health, the pipelines listed, and how many more pipelines exist beyond those listed.</summary>
public sealed record PipelinesHealth(string Overall, IReadOnlyList<PipelineHealth> Pipelines, int More = 0);

/// <summary>One pipeline's figures; execution times in seconds.</summary>
public sealed record PipelineHealth(
    string Pipeline, long Executions, double? SuccessRate, double? ErrorRate,
    double? MeanExecutionTime, double? MinExecutionTime, double? MaxExecutionTime, string Health);
