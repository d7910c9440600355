using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dashboard.Alerts;

/// <summary>One alert: a rule for one run from pending or firing to resolved. Times are Unix microseconds, UTC.</summary>
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
