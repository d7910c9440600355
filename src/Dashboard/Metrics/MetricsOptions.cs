using Microsoft.Extensions.Options;

namespace Dashboard.Metrics;

/// <summary>The Prometheus exporter at GET /metrics (configuration section <c>Metrics</c>).</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>Serve GET /metrics (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Runs with their own <c>run</c> label (default 1000); points of further runs are folded into
    /// <c>run="(other)"</c>, so totals stay right while the series count stays bounded.
    /// </summary>
    public int MaxRuns { get; set; } = 1000;

    /// <summary>Models, and evaluation score names, with their own label per run (default 20); further ones are folded into "(other)".</summary>
    public int MaxModelsPerRun { get; set; } = 20;

    /// <summary>Pending and firing alerts exported as ALERTS series (default 10000); more are counted, not listed.</summary>
    public int MaxAlerts { get; set; } = 10_000;
}

internal sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRuns is < 1 or > 1_000_000)
        {
            failures.Add($"Metrics:MaxRuns must be between 1 and 1000000 (was {options.MaxRuns}).");
        }
        if (options.MaxModelsPerRun is < 1 or > 10_000)
        {
            failures.Add($"Metrics:MaxModelsPerRun must be between 1 and 10000 (was {options.MaxModelsPerRun}).");
        }
        if (options.MaxAlerts is < 0 or > 1_000_000)
        {
            failures.Add($"Metrics:MaxAlerts must be between 0 and 1000000 (was {options.MaxAlerts}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
