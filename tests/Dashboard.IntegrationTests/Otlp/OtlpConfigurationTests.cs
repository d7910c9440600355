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
    public void Start_BadOtlpValue_FailsNamingTheKey(string key, string value)
    {
        StartFailure.Of(new Dictionary<string, string?> { [key] = value }).Should().Contain(key);
    }
}
