namespace Dashboard.Storage;

/// <summary>
/// One pipeline's points, summed in SQL: pipeline_execution_time (count, sum, min, max) and
/// pipeline_success (count, sum of the 1/0 values).
/// </summary>
public sealed record PipelineAggregate(
    string Pipeline, long TimeCount, double TimeSum, double? TimeMin, double? TimeMax, long SuccessCount, double SuccessSum);
