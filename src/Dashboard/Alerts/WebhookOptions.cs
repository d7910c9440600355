using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>How alert webhooks are delivered (section "Webhooks"); the targets themselves are runtime settings.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Seconds one POST may take before it counts as failed (Webhooks:TimeoutSeconds). Default 10.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Tries per notification and target, the first included (Webhooks:Attempts). Default 3.</summary>
    public int Attempts { get; set; } = 3;

    /// <summary>Wait before the second try; each later wait doubles (Webhooks:RetryBaseMilliseconds). Default 500.</summary>
    public int RetryBaseMilliseconds { get; set; } = 500;

    /// <summary>Notifications waiting per target (Webhooks:QueueCapacity); beyond it new ones for that target are dropped and counted as failed. Default 1,000.</summary>
    public int QueueCapacity { get; set; } = 1_000;
}

internal sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions o)
    {
        var failures = new List<string>();
        if (o.TimeoutSeconds is < 1 or > 300)
        {
            failures.Add($"Webhooks:TimeoutSeconds must be between 1 and 300 (was {o.TimeoutSeconds}).");
        }
        if (o.Attempts is < 1 or > 10)
        {
            failures.Add($"Webhooks:Attempts must be between 1 and 10 (was {o.Attempts}).");
        }
        if (o.RetryBaseMilliseconds is < 0 or > 60_000)
        {
            failures.Add($"Webhooks:RetryBaseMilliseconds must be between 0 and 60000 (was {o.RetryBaseMilliseconds}).");
        }
        if (o.QueueCapacity is < 1 or > 1_000_000)
        {
            failures.Add($"Webhooks:QueueCapacity must be between 1 and 1000000 (was {o.QueueCapacity}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
