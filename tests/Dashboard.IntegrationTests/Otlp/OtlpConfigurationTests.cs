using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Otlp;

public sealed class OtlpConfigurationTests
{
    [Theory]
    [InlineData("Otlp:GrpcPort", "70000")]
    [InlineData("Otlp:GrpcPort", "many")]
    [InlineData("Otlp:GrpcAddress", "nowhere")]
    [InlineData("Otlp:GenerationsFrom", "Both")]
    [InlineData("Otlp:RunAttribute", " ")]
    public async Task Start_BadOtlpValue_FailsNamingTheKey(string key, string value)
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { [key] = value });

        var start = () => factory.CreateHttpClient();

        start.Should().Throw<Exception>().Where(e => Flatten(e).Contains(key, StringComparison.Ordinal));
    }

    private static string Flatten(Exception e) => e.ToString() + (e.InnerException is null ? "" : Flatten(e.InnerException));
}
