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
    public void Start_BadConfigurationValue_FailsNamingTheKey(string key, string value, string named)
    {
        StartFailure.Of(new Dictionary<string, string?> { [key] = value }).Should().Contain(named);
    }
}
