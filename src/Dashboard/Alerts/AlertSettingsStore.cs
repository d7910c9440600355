using System.Text.Json;
using Dashboard.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>Reads and saves the runtime settings document; the evaluator reads it afresh at every evaluation.</summary>
public sealed class AlertSettingsStore(IAlertSettingsStore store, IOptions<AlertsOptions> options, TimeProvider time)
{
    /// <summary>The settings document's JSON: the wire shape (<see cref="WireJson"/>).</summary>
    public static readonly JsonSerializerOptions Json = WireJson.Options;

    public async Task<AlertSettings> GetAsync(CancellationToken ct = default)
    {
        var document = await store.GetSettingsDocumentAsync(ct);
        if (document is null)
        {
            return AlertSettings.CreateDefault(options.Value.IntervalSeconds);
        }
        var settings = JsonSerializer.Deserialize<AlertSettings>(document, Json) ?? AlertSettings.CreateDefault(options.Value.IntervalSeconds);
        return settings.WithMissingDefaults();
    }

    /// <summary>Validates and saves; returns the failures and saves nothing when there are any.</summary>
    public async Task<List<FieldError>> SaveAsync(AlertSettings settings, CancellationToken ct = default)
    {
        var errors = AlertSettingsValidator.Validate(settings);
        if (errors.Count > 0)
        {
            return errors;
        }
        settings.WithMissingDefaults();
        var document = JsonSerializer.Serialize(settings, Json);
        await store.SaveSettingsDocumentAsync(document, Timestamps.ToMicros(time.GetUtcNow()), ct);
        Changed?.Invoke();
        return errors;
    }

    /// <summary>Raised after a save, so the evaluation loop can pick up a new interval at once.</summary>
    public event Action? Changed;

    public static AlertSettings Clone(AlertSettings s) =>
        JsonSerializer.Deserialize<AlertSettings>(JsonSerializer.Serialize(s, Json), Json)!;
}
