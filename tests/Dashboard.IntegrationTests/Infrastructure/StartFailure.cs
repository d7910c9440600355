namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>
/// What a host refusing to start says. WebApplicationFactory runs the app's Main on its own thread; when the start
/// fails, Main may dispose the host before the factory reads the server's address, and the factory then throws
/// ObjectDisposedException instead of the start's own exception (seen once under a loaded suite). That is the test
/// harness's race, not the product's answer, so such an attempt is made again with a fresh factory; every attempt
/// must still fail to start.
/// </summary>
public static class StartFailure
{
    private const int Attempts = 3;

    public static string Of(IReadOnlyDictionary<string, string?> settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var factory = new DashboardFactory(settings: new Dictionary<string, string?>(settings));
            var start = () => factory.CreateHttpClient();
            var thrown = start.Should().Throw<Exception>("the host must refuse to start").Which;
            if (thrown is not ObjectDisposedException || attempt == Attempts)
            {
                return Flatten(thrown);
            }
        }
    }

    private static string Flatten(Exception e) => e.ToString() + (e.InnerException is null ? "" : Flatten(e.InnerException));
}
