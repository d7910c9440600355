using System.Text.Json;
using Dashboard.Ingest;
using Dashboard.Live;
using Dashboard.Persistence;
using Dashboard.Storage;
using Dashboard.Storage.Ef;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dashboard.Hosting;

/// <summary>Service registration by feature; Program.cs calls these and nothing else.</summary>
public static class DashboardServices
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        builder.Services.TryAddSingletonTimeProvider();
        if (Storage.Postgres.PostgresStorageSetup.IsSelected(builder.Configuration))
        {
            builder.Services.AddPostgresStorage(builder.Configuration);
            return builder;
        }
        builder.Services.AddSingleton<SqliteConnectionFactory>();
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddHostedService<DatabaseFileWatch>();
        builder.Services.AddSingleton<SqlitePointWriter>();
        builder.Services.AddSingleton<IPointWriter>(sp => sp.GetRequiredService<SqlitePointWriter>());
        builder.Services.AddSingleton<IMetricReader, SqliteMetricReader>();
        builder.Services.AddSingleton<IRunPointVisitor, SqliteRunPointVisitor>();
        builder.Services.AddSingleton<IRunBucketReader, SqliteRunBucketReader>();
        builder.Services.AddSingleton<IRunStore, EfRunStore>();
        builder.Services.AddSingleton<IPredictionReader, SqlitePredictionReader>();
        builder.Services.AddSingleton<IPipelineReader, SqlitePipelineReader>();
        builder.Services.AddSingleton<IRunPointReader, SqliteRunPointReader>();
        builder.Services.AddSingleton<IRunDeletionStore, SqliteRunDeletionStore>();
        builder.Services.AddSingleton<IRunNameReader, SqliteRunNameReader>();
        builder.Services.AddSingleton<IRunListReader, SqliteRunListReader>();
        builder.Services.AddSingleton<IRulePreviewReader, SqliteRulePreviewReader>();
        builder.Services.AddSingleton<IPipelineDetailReader, SqlitePipelineDetailReader>();
        builder.Services.AddSingleton<IPriceStore, SqlitePriceStore>();
        builder.Services.AddSingleton<IGoalStore, SqliteGoalStore>();
        builder.Services.AddSingleton<ICostReader, SqliteCostReader>();
        builder.Services.AddSingleton<SqliteKeyStore>();
        builder.Services.AddSingleton<IKeyStore>(sp => sp.GetRequiredService<SqliteKeyStore>());
        builder.Services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<SqliteKeyStore>());
        builder.Services.AddSingleton<IWebhookStatusStore, SqliteWebhookStatusStore>();
        builder.Services.AddSingleton<INotificationGroupStore, SqliteNotificationGroupStore>();
        builder.Services.AddSingleton<IAlertConditionReader, SqliteAlertConditionReader>();
        builder.Services.AddSingleton<IExportStore, SqliteExportStore>();
        builder.Services.AddSingleton<IExplorerReader, SqliteExplorerReader>();
        builder.Services.AddEfStores();
        builder.Services.AddDbContextFactory<DashboardDbContext>((sp, o) =>
            o.UseSqlite(sp.GetRequiredService<SqliteConnectionFactory>().ConnectionString));
        return builder;
    }

    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();
        builder.Services.AddSingleton<WriteQueue>();
        builder.Services.AddSingleton<IngestEventLimiter>();
        builder.Services.AddSingleton<IngestQuota>();
        builder.Services.AddSingleton<StorageHealth>();
        builder.Services.AddHostedService<BatchWriter>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            WireJson.Configure(o.SerializerOptions);
        });
        return builder;
    }

    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<LivePublisher>();
        builder.Services.AddSingleton<ICommittedBatchSink>(sp => sp.GetRequiredService<LivePublisher>());
        // Interactive pages: each open page queues the commits of its run and folds them on its own loop.
        builder.Services.AddSingleton<PageFeed>();
        builder.Services.AddSingleton<ICommittedBatchSink>(sp => sp.GetRequiredService<PageFeed>());
        builder.Services.AddSingleton<HubConnections>();
        builder.Services.AddHostedService<LivePushService>();
        builder.Services.AddHostedService<RuntimeSampler>();
        builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = WireJson.Naming);
        return builder;
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
