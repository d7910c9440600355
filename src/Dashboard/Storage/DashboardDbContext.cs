using Microsoft.EntityFrameworkCore;

namespace Dashboard.Storage;

/// <summary>
/// EF Core's view of the schema that the provider's migrations create, for ordinary reads and
/// writes. Points are not mapped: they are written by an <see cref="IPointWriter"/> and aggregated
/// by an <see cref="IMetricReader"/> in SQL.
/// </summary>
public sealed class DashboardDbContext(DbContextOptions<DashboardDbContext> options) : DbContext(options)
{
    public DbSet<RunEntity> Runs => Set<RunEntity>();
    public DbSet<MetricNameEntity> MetricNames => Set<MetricNameEntity>();
    public DbSet<RunMetricEntity> RunMetrics => Set<RunMetricEntity>();
    public DbSet<LogEntity> Logs => Set<LogEntity>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        // Feature folders (Alerts, Security, ...) map their own tables with IEntityTypeConfiguration<T>.
        b.ApplyConfigurationsFromAssembly(typeof(DashboardDbContext).Assembly);
        b.Entity<RunEntity>(e =>
        {
            e.ToTable("runs");
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Name).HasColumnName("name");
            e.Property(x => x.Project).HasColumnName("project");
            e.Property(x => x.CreatedAt).HasColumnName("created_at");
            e.Property(x => x.FirstTs).HasColumnName("first_ts");
            e.Property(x => x.LastTs).HasColumnName("last_ts");
            e.Property(x => x.LastReceivedAt).HasColumnName("last_received_at");
            e.Property(x => x.EventCount).HasColumnName("event_count");
        });
        b.Entity<MetricNameEntity>(e =>
        {
            e.ToTable("metric_names");
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.Name).HasColumnName("name");
        });
        b.Entity<RunMetricEntity>(e =>
        {
            e.ToTable("run_metrics");
            e.HasKey(x => new { x.RunId, x.MetricId });
            e.Property(x => x.RunId).HasColumnName("run_id");
            e.Property(x => x.MetricId).HasColumnName("metric_id");
            e.Property(x => x.Count).HasColumnName("count");
            e.Property(x => x.Sum).HasColumnName("sum");
            e.Property(x => x.Min).HasColumnName("min");
            e.Property(x => x.Max).HasColumnName("max");
            e.Property(x => x.LastValue).HasColumnName("last_value");
            e.Property(x => x.LastTs).HasColumnName("last_ts");
        });
        b.Entity<LogEntity>(e =>
        {
            e.ToTable("logs");
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.RunId).HasColumnName("run_id");
            e.Property(x => x.Ts).HasColumnName("ts");
            e.Property(x => x.Level).HasColumnName("level");
            e.Property(x => x.Message).HasColumnName("message");
            e.Property(x => x.Data).HasColumnName("data");
        });
    }
}
