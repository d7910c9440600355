namespace Dashboard.Storage.Ef;

/// <summary>The stores written once through EF Core for both providers (the provider's DbContext registration chooses the database).</summary>
public static class EfStoresSetup
{
    public static IServiceCollection AddEfStores(this IServiceCollection services)
    {
        services.AddSingleton<IAlertStore, EfAlertStore>();
        services.AddSingleton<EfSilenceStore>();
        services.AddSingleton<ISilenceStore>(sp => sp.GetRequiredService<EfSilenceStore>());
        services.AddSingleton<IAlertSettingsStore>(sp => sp.GetRequiredService<EfSilenceStore>());
        return services;
    }
}
