namespace Dashboard.Storage;

/// <summary>A generator session (one afterimage GenerationMonitor). Times are Unix microseconds, UTC.</summary>
public sealed class RunEntity
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public required string Project { get; set; }
    public long CreatedAt { get; set; }
    public long? FirstTs { get; set; }
    public long? LastTs { get; set; }
    public long LastReceivedAt { get; set; }
    public long EventCount { get; set; }
}

public sealed class MetricNameEntity
{
    public long Id { get; set; }
    public required string Name { get; set; }
}

/// <summary>Running totals of one metric in one run, kept by the writer in the same transaction as the points.</summary>
public sealed class RunMetricEntity
{
    public long RunId { get; set; }
    public long MetricId { get; set; }
    public long Count { get; set; }
    public double Sum { get; set; }
    public double Min { get; set; }
    public double Max { get; set; }
    public double LastValue { get; set; }
    public long LastTs { get; set; }
}

public sealed class LogEntity
{
    public long Id { get; set; }
    public long RunId { get; set; }
    public long Ts { get; set; }
    public required string Level { get; set; }
    public required string Message { get; set; }
    public string? Data { get; set; }
}
