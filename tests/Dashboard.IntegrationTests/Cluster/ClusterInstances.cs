using Dashboard.Cluster;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Cluster;

/// <summary>Settings and waits shared by the tests that run several instances on one PostgreSQL.</summary>
public static class ClusterInstances
{
    /// <summary>Instance <paramref name="name"/> joined to <paramref name="postgres"/>; each host still gets its own SQLite file unless told otherwise.</summary>
    public static Dictionary<string, string?> Settings(ClusterDatabase postgres, string name, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Cluster:ConnectionString"] = postgres.ConnectionString,
            ["Cluster:InstanceId"] = name,
            ["Cluster:LeaseCheckSeconds"] = "1",
            ["Cluster:ReconnectMilliseconds"] = "200",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        return settings;
    }

    /// <summary>Starts the hosts and waits until each has its LISTEN in place (a NOTIFY before that is not heard).</summary>
    public static async Task WaitListeningAsync(params DashboardFactory[] factories)
    {
        foreach (var factory in factories)
        {
            _ = factory.BaseAddress;
            var bus = factory.Services.GetRequiredService<ClusterBus>();
            await WaitFor.ConditionAsync(() => bus.IsListening, TimeSpan.FromSeconds(15), "the cluster listener is connected");
        }
    }
}
