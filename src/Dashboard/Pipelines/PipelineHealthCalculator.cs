namespace Dashboard.Pipelines;

/// <summary>
/// One pipeline's points, summed in SQL: pipeline_execution_time (count, sum, min, max) and
/// pipeline_success (count, sum of the 1/0 values).
/// </summary>
public sealed record PipelineAggregate(
    string Pipeline, long TimeCount, double TimeSum, double? TimeMin, double? TimeMax, long SuccessCount, double SuccessSum);

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

    public static PipelinesHealth Compute(IEnumerable<PipelineAggregate> aggregates)
    {
        var pipelines = aggregates
            .OrderBy(a => a.Pipeline, StringComparer.Ordinal)
            .Select(Health)
            .ToList();
        var overall = pipelines.Count == 0 ? Unknown : pipelines.Select(p => p.Health).MaxBy(Severity)!;
        return new PipelinesHealth(overall, pipelines);
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

public sealed record PipelinesHealth(string Overall, IReadOnlyList<PipelineHealth> Pipelines);

/// <summary>One pipeline's figures; execution times in seconds.</summary>
public sealed record PipelineHealth(
    string Pipeline, long Executions, double? SuccessRate, double? ErrorRate,
    double? MeanExecutionTime, double? MinExecutionTime, double? MaxExecutionTime, string Health);
