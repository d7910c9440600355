using Dashboard.Alerts;
using Dashboard.Cluster;
using Dashboard.Live;
using Dashboard.Security;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dashboard.Hosting;

/// <summary>
/// Several instances on one PostgreSQL: the cluster bus (LISTEN/NOTIFY), the alert lease, and the relays that
/// keep live pages, keys, sessions and alert pushes the same on every instance. Off with SQLite (one instance).
/// Wired here, in the composition root, because it joins Cluster/ to Live/, Security/ and Alerts/.
/// </summary>
public static class ClusterSetup
{
    public static WebApplicationBuilder AddCluster(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var connectionString = ConnectionString(builder.Configuration);
        if (connectionString is null)
        {
            return builder;
        }
        var instanceId = builder.Configuration[$"{ClusterOptions.Section}:{nameof(ClusterOptions.InstanceId)}"];
        if (string.IsNullOrWhiteSpace(instanceId))
        {
            // The process id alone is not unique: tests run two hosts in one process.
            instanceId = $"{Environment.MachineName}-{Environment.ProcessId}-{Random.Shared.Next(0x10000):x4}";
        }
        services.AddSingleton(new ClusterConnection(connectionString, instanceId));
        services.AddSingleton<ClusterBus>();
        services.AddSingleton<ClusterLease>();
        services.Replace(ServiceDescriptor.Singleton<ILeadership>(sp => sp.GetRequiredService<ClusterLease>()));
        services.AddSingleton<AccessPeerRelay>();
        services.Replace(ServiceDescriptor.Singleton<IAlertSink>(sp => new AlertPeerRelay(sp.GetRequiredService<AlertNotifier>(),
            sp.GetRequiredService<ClusterBus>(), sp.GetRequiredService<Microsoft.AspNetCore.SignalR.IHubContext<MetricsHub, IMetricsClient>>(),
            sp.GetRequiredService<ILogger<AlertPeerRelay>>())));
        services.AddSingleton<Runs.RunPeerRelay>();
        services.AddSingleton<LivePeerRelay>();
        services.AddSingleton<Storage.ICommittedBatchSink>(sp => sp.GetRequiredService<LivePeerRelay>());
        services.AddHostedService(sp => sp.GetRequiredService<LivePeerRelay>());
        services.AddHostedService(sp => sp.GetRequiredService<AccessPeerRelay>());
        services.AddHostedService(sp =>
        {
            // The relays register their handlers when built; build the alert one before the bus starts listening.
            sp.GetRequiredService<IAlertSink>();
            sp.GetRequiredService<Runs.RunPeerRelay>();
            sp.GetRequiredService<ILogger<ClusterBus>>().LogInformation(
                "Cluster: instance {Instance} on PostgreSQL channel {Channel}; live updates, keys, sessions and alerts are shared",
                instanceId, ClusterBus.Channel);
            return sp.GetRequiredService<ClusterBus>();
        });
        services.AddHostedService(sp => sp.GetRequiredService<ClusterLease>());
        return builder;
    }

    /// <summary><c>Cluster:ConnectionString</c>, else the storage connection when the store is PostgreSQL, else none.</summary>
    public static string? ConnectionString(IConfiguration configuration)
    {
        var own = configuration[$"{ClusterOptions.Section}:{nameof(ClusterOptions.ConnectionString)}"];
        if (!string.IsNullOrWhiteSpace(own))
        {
            return own;
        }
        var provider = configuration[$"{Storage.StorageOptions.Section}:Provider"];
        return string.Equals(provider, "PostgreSQL", StringComparison.OrdinalIgnoreCase)
            ? configuration.GetConnectionString("Dashboard")
            : null;
    }
}
