using Dashboard.Cluster;
using Dashboard.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.IntegrationTests.Cluster;

/// <summary>Settings and waits shared by the tests that run several instances on one PostgreSQL.</summary>
public static class ClusterInstances
{
    /// <summary>
    /// Instance <paramref name="name"/> storing in <paramref name="postgres"/> and joined to the others through it: every
    /// instance given the same database shares one store, as several instances behind a proxy do.
    /// </summary>
    public static Dictionary<string, string?> Settings(ClusterDatabase postgres, string name, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "PostgreSQL",
            ["ConnectionStrings:Dashboard"] = postgres.ConnectionString,
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
