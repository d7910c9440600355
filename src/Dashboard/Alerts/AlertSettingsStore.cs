using System.Text.Json;
using Dashboard.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>Reads and saves the runtime settings document; the evaluator reads it afresh at every evaluation.</summary>
public sealed class AlertSettingsStore(IDbContextFactory<DashboardDbContext> contexts, IOptions<AlertsOptions> options, TimeProvider time)
{
    /// <summary>The settings document's JSON: the wire shape (<see cref="WireJson"/>).</summary>
    public static readonly JsonSerializerOptions Json = WireJson.Options;

    public async Task<AlertSettings> GetAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<AlertSettingsEntity>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == 1, ct);
        if (row is null)
        {
            return AlertSettings.CreateDefault(options.Value.IntervalSeconds);
        }
        var settings = JsonSerializer.Deserialize<AlertSettings>(row.Document, Json) ?? AlertSettings.CreateDefault(options.Value.IntervalSeconds);
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
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<AlertSettingsEntity>().FirstOrDefaultAsync(s => s.Id == 1, ct);
        var document = JsonSerializer.Serialize(settings, Json);
        var now = Timestamps.ToMicros(time.GetUtcNow());
        if (row is null)
        {
            db.Add(new AlertSettingsEntity { Id = 1, Document = document, UpdatedAt = now });
        }
        else
        {
            row.Document = document;
            row.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);
        Changed?.Invoke();
        return errors;
    }

    /// <summary>Raised after a save, so the evaluation loop can pick up a new interval at once.</summary>
    public event Action? Changed;

    public static AlertSettings Clone(AlertSettings s) =>
        JsonSerializer.Deserialize<AlertSettings>(JsonSerializer.Serialize(s, Json), Json)!;
}
