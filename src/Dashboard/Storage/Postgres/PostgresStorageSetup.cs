using Dashboard.Storage.Ef;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>The PostgreSQL provider's registrations, chosen by <c>Storage:Provider=PostgreSQL</c> (see Hosting/DashboardServices).</summary>
public static class PostgresStorageSetup
{
    public const string ProviderName = "PostgreSQL";

    public static bool IsSelected(IConfiguration configuration) =>
        string.Equals(configuration[$"{StorageOptions.Section}:Provider"], ProviderName, StringComparison.OrdinalIgnoreCase);

    public static IServiceCollection AddPostgresStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(_ =>
        {
            var connectionString = configuration.GetConnectionString("Dashboard");
            if (string.IsNullOrWhiteSpace(connectionString) || connectionString.Contains("Data Source", StringComparison.OrdinalIgnoreCase))
            {
                throw new Microsoft.Extensions.Options.OptionsValidationException("ConnectionStrings:Dashboard", typeof(string),
                    ["Storage:Provider=PostgreSQL needs ConnectionStrings:Dashboard to be a PostgreSQL connection string (Host=...;Database=...;Username=...)."]);
            }
            try
            {
                return new NpgsqlDataSourceBuilder(connectionString).Build();
            }
            catch (ArgumentException ex)
            {
                throw new Microsoft.Extensions.Options.OptionsValidationException("ConnectionStrings:Dashboard", typeof(string),
                    [$"ConnectionStrings:Dashboard is not a valid PostgreSQL connection string: {ex.Message}"]);
            }
        });
        services.AddSingleton<PostgresSchemaMigrator>();
        services.AddSingleton<PostgresPartitions>();
        services.AddSingleton<PostgresPointWriter>();
        services.AddSingleton<IPointWriter>(sp => sp.GetRequiredService<PostgresPointWriter>());
        services.AddSingleton<IMetricReader, PostgresMetricReader>();
        services.AddSingleton<IExplorerReader, PostgresExplorerReader>();
        services.AddSingleton<IRunStore, EfRunStore>();
        services.AddSingleton<IPredictionReader, PostgresPredictionReader>();
        services.AddSingleton<IPipelineReader, PostgresPipelineReader>();
        services.AddSingleton<IRunListReader, PostgresRunListReader>();
        services.AddSingleton<IRulePreviewReader, PostgresRulePreviewReader>();
        services.AddSingleton<PostgresKeyStore>();
        services.AddSingleton<IKeyStore>(sp => sp.GetRequiredService<PostgresKeyStore>());
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<PostgresKeyStore>());
        services.AddSingleton<IWebhookStatusStore, PostgresWebhookStatusStore>();
        services.AddSingleton<INotificationGroupStore, PostgresNotificationGroupStore>();
        services.AddSingleton<IAlertConditionReader, PostgresAlertConditionReader>();
        services.AddSingleton<IExportStore, PostgresExportStore>();
        services.AddSingleton<IPriceStore, PostgresPriceStore>();
        services.AddSingleton<IGoalStore, PostgresGoalStore>();
        services.AddSingleton<ICostReader, PostgresCostReader>();
        services.AddEfStores();
        services.AddSingleton<IRunPointReader, PostgresRunPointReader>();
        services.AddSingleton<IRunPointVisitor, PostgresRunPointVisitor>();
        services.AddSingleton<IRunBucketReader, PostgresRunBucketReader>();
        services.AddSingleton<IRunDeletionStore, PostgresRunDeletionStore>();
        services.AddSingleton<IRunNameReader, PostgresRunNameReader>();
        services.AddSingleton<IPipelineDetailReader, PostgresPipelineDetailReader>();
        services.AddDbContextFactory<DashboardDbContext>((sp, o) => o.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()));
        services.AddHostedService<PostgresMaintenance>();
        return services;
    }
}
