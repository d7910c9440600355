using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>Start-up configuration of alerting (section "Alerts"); it only seeds the runtime settings kept in the database.</summary>
public sealed class AlertsOptions
{
    public const string Section = "Alerts";

    /// <summary>Seconds between evaluations (Alerts:IntervalSeconds); 1 or more. Seeds the settings' interval.</summary>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>Alerts kept per run (Alerts:MaxAlertsPerRun); the oldest resolved ones are dropped beyond it.</summary>
    public int MaxAlertsPerRun { get; set; } = 1000;

    /// <summary>Seconds between re-sends of firing alerts to Alertmanager targets (Alerts:AlertmanagerResendSeconds, 1-240; default 60).</summary>
    public int AlertmanagerResendSeconds { get; set; } = 60;
}

internal sealed class AlertsOptionsValidator : IValidateOptions<AlertsOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertsOptions options)
    {
        var failures = new List<string>();
        if (options.IntervalSeconds < 1 || options.IntervalSeconds > AlertSettingsValidator.MaxIntervalSeconds)
        {
            failures.Add($"Alerts:IntervalSeconds must be between 1 and {AlertSettingsValidator.MaxIntervalSeconds} (was {options.IntervalSeconds}).");
        }
        if (options.MaxAlertsPerRun < 1)
        {
            failures.Add($"Alerts:MaxAlertsPerRun must be 1 or more (was {options.MaxAlertsPerRun}).");
        }
        if (options.AlertmanagerResendSeconds is < 1 or > 240)
        {
            // Above 240 s a firing alert would outlive its 5-minute endsAt between two sends.
            failures.Add($"Alerts:AlertmanagerResendSeconds must be between 1 and 240 (was {options.AlertmanagerResendSeconds}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
