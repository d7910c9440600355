using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dashboard.Storage;

/// <summary>One alert (the Alerts feature decides its states; storage keeps the rows): a rule for one run from pending or firing to resolved. Times are Unix microseconds, UTC.</summary>
public sealed class AlertEntity
{
    public long Id { get; set; }
    public required string Rule { get; set; }
    public string? Run { get; set; }
    public required string Severity { get; set; }
    public required string State { get; set; }
    public required string Message { get; set; }
    public double? Value { get; set; }
    public double? Threshold { get; set; }
    public long StartedAt { get; set; }
    public long? ResolvedAt { get; set; }
    public long UpdatedAt { get; set; }
    public string? Metadata { get; set; }

    /// <summary>The last evaluation at which the condition held; keep_firing_for counts from here.</summary>
    public long? LastHeldAt { get; set; }

    /// <summary>A silence held back this alert's fire notification; it is sent if the alert still fires when the silence ends.</summary>
    public bool Suppressed { get; set; }

    public long? AcknowledgedAt { get; set; }
    public string? AcknowledgedBy { get; set; }
    public string? AckComment { get; set; }
}

/// <summary>Mutes notifications of the alerts it matches between StartsAt and EndsAt; the alerts still show, marked.</summary>
public sealed class SilenceEntity
{
    public long Id { get; set; }
    public string? Rule { get; set; }
    public string? Run { get; set; }

    /// <summary>A JSON object of label name to value (labels: rule, run, severity); null for none.</summary>
    public string? Labels { get; set; }

    public long StartsAt { get; set; }
    public long EndsAt { get; set; }
    public required string Reason { get; set; }
    public string? CreatedBy { get; set; }
    public long CreatedAt { get; set; }
}

/// <summary>The runtime alert settings, one JSON document in one row.</summary>
public sealed class AlertSettingsEntity
{
    public long Id { get; set; }
    public required string Document { get; set; }
    public long UpdatedAt { get; set; }
}

internal sealed class AlertEntityConfiguration : IEntityTypeConfiguration<AlertEntity>
{
    public void Configure(EntityTypeBuilder<AlertEntity> e)
    {
        e.ToTable("alerts");
        e.Property(x => x.Id).HasColumnName("id");
        e.Property(x => x.Rule).HasColumnName("rule");
        e.Property(x => x.Run).HasColumnName("run");
        e.Property(x => x.Severity).HasColumnName("severity");
        e.Property(x => x.State).HasColumnName("state");
        e.Property(x => x.Message).HasColumnName("message");
        e.Property(x => x.Value).HasColumnName("value");
        e.Property(x => x.Threshold).HasColumnName("threshold");
        e.Property(x => x.StartedAt).HasColumnName("started_at");
        e.Property(x => x.ResolvedAt).HasColumnName("resolved_at");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        e.Property(x => x.Metadata).HasColumnName("metadata");
        e.Property(x => x.LastHeldAt).HasColumnName("last_held_at");
        e.Property(x => x.Suppressed).HasColumnName("suppressed");
        e.Property(x => x.AcknowledgedAt).HasColumnName("acknowledged_at");
        e.Property(x => x.AcknowledgedBy).HasColumnName("acknowledged_by");
        e.Property(x => x.AckComment).HasColumnName("ack_comment");
    }
}

internal sealed class SilenceEntityConfiguration : IEntityTypeConfiguration<SilenceEntity>
{
    public void Configure(EntityTypeBuilder<SilenceEntity> e)
    {
        e.ToTable("silences");
        e.Property(x => x.Id).HasColumnName("id");
        e.Property(x => x.Rule).HasColumnName("rule");
        e.Property(x => x.Run).HasColumnName("run");
        e.Property(x => x.Labels).HasColumnName("labels");
        e.Property(x => x.StartsAt).HasColumnName("starts_at");
        e.Property(x => x.EndsAt).HasColumnName("ends_at");
        e.Property(x => x.Reason).HasColumnName("reason");
        e.Property(x => x.CreatedBy).HasColumnName("created_by");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
    }
}

internal sealed class AlertSettingsEntityConfiguration : IEntityTypeConfiguration<AlertSettingsEntity>
{
    public void Configure(EntityTypeBuilder<AlertSettingsEntity> e)
    {
        e.ToTable("alert_settings");
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedNever();
        e.Property(x => x.Document).HasColumnName("document");
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at");
    }
}
