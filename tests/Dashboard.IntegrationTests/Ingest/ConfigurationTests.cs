using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Ingest;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Ingest:MaxBodyBytes", "-5", "Ingest:MaxBodyBytes")]
    [InlineData("Ingest:MaxBodyBytes", "lots", "Ingest:MaxBodyBytes")]
    [InlineData("Ingest:QueueCapacity", "0", "Ingest:QueueCapacity")]
    [InlineData("Storage:Provider", "Oracle", "Storage:Provider")]
    [InlineData("Storage:Synchronous", "Sometimes", "Storage:Synchronous")]
    public async Task Start_BadConfigurationValue_FailsNamingTheKey(string key, string value, string named)
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { [key] = value });

        var start = () => factory.CreateHttpClient();

        start.Should().Throw<Exception>().Where(e => Flatten(e).Contains(named, StringComparison.Ordinal));
    }

    private static string Flatten(Exception e) => e.ToString() + (e.InnerException is null ? "" : Flatten(e.InnerException));
}
