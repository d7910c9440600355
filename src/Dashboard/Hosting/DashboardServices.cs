using System.Text.Json;
using Dashboard.Ingest;
using Dashboard.Live;
using Dashboard.Persistence;
using Dashboard.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dashboard.Hosting;

/// <summary>Service registration by feature; Program.cs calls these and nothing else.</summary>
public static class DashboardServices
{
    /// <summary>snake_case on the wire, in HTTP answers and hub messages alike.</summary>
    public static readonly JsonNamingPolicy WireNaming = JsonNamingPolicy.SnakeCaseLower;

    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        builder.Services.AddSingleton<SqliteConnectionFactory>();
        builder.Services.AddSingleton<SchemaMigrator>();
        builder.Services.AddSingleton<PointQueries>();
        builder.Services.AddSingleton<RunQueries>();
        builder.Services.AddSingleton<IRunListReader, Storage.Sqlite.SqliteRunListReader>();
        builder.Services.AddSingleton<IRulePreviewReader, Storage.Sqlite.SqliteRulePreviewReader>();
        builder.Services.AddSingleton<IPipelineDetailReader, Storage.Sqlite.SqlitePipelineDetailReader>();
        builder.Services.AddDbContextFactory<DashboardDbContext>((sp, o) =>
            o.UseSqlite(sp.GetRequiredService<SqliteConnectionFactory>().ConnectionString));
        builder.Services.TryAddSingletonTimeProvider();
        return builder;
    }

    public static WebApplicationBuilder AddIngest(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>();
        builder.Services.AddSingleton<WriteQueue>();
        builder.Services.AddSingleton<IngestEventLimiter>();
        builder.Services.AddSingleton<StorageHealth>();
        builder.Services.AddSingleton<SqlitePointWriter>();
        builder.Services.AddHostedService<BatchWriter>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = WireNaming;
            o.SerializerOptions.DictionaryKeyPolicy = null;
            // Stats of a metric holding NaN or Infinity (kept since issue 12) answer "NaN"/"Infinity" instead of failing.
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        return builder;
    }

    public static WebApplicationBuilder AddLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PageFeed>();
        builder.Services.AddSingleton<LivePublisher>();
        builder.Services.AddSingleton<HubConnections>();
        builder.Services.AddHostedService<LivePushService>();
        builder.Services.AddSignalR().AddJsonProtocol(o => o.PayloadSerializerOptions.PropertyNamingPolicy = WireNaming);
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
