using Dashboard.Security;

namespace Dashboard.Tests.Security;

public sealed class AccessPolicyTests
{
    [Theory]
    [InlineData("POST", "/api/v1/ingest", Access.Ingest)]
    [InlineData("POST", "/api/v1/runs/r1/import", Access.Ingest)]
    [InlineData("POST", "/api/v1/alerts", Access.Ingest)]
    [InlineData("GET", "/api/v1/runs", Access.Viewer)]
    [InlineData("GET", "/api/v1/runs/r1/export.csv", Access.Viewer)]
    [InlineData("GET", "/", Access.Viewer)]
    [InlineData("GET", "/runs/r1", Access.Viewer)]
    [InlineData("POST", "/hubs/metrics/negotiate", Access.Viewer)]
    [InlineData("GET", "/hubs/metrics", Access.Viewer)]
    [InlineData("GET", "/settings", Access.Admin)]
    [InlineData("GET", "/Settings/Keys/", Access.Admin)]
    [InlineData("GET", "//settings//keys", Access.Admin)]
    [InlineData("PUT", "/api/v1/settings/alerts", Access.Admin)]
    [InlineData("DELETE", "/api/v1/runs/r1", Access.Admin)]
    [InlineData("PUT", "/api/v1/something-new", Access.Admin)]
    [InlineData("POST", "/alerts", Access.Admin)]
    [InlineData("POST", "/api/v1/ingest/", Access.Ingest)]
    [InlineData("GET", "/login", Access.Public)]
    [InlineData("POST", "/login", Access.Public)]
    [InlineData("GET", "/healthz", Access.Public)]
    [InlineData("GET", "/css/site.css", Access.Public)]
    [InlineData("GET", "/lib/signalr/signalr.min.js", Access.Public)]
    [InlineData("POST", "/js/x", Access.Admin)]
    public void Required_PathAndMethod_DeniesByDefault(string method, string path, Access expected) =>
        AccessPolicy.Required(method, path).Should().Be(expected);

    [Theory]
    [InlineData("ingest", Access.Ingest, true)]
    [InlineData("ingest", Access.Viewer, false)]
    [InlineData("viewer", Access.Ingest, false)]
    [InlineData("viewer", Access.Viewer, true)]
    [InlineData("viewer", Access.Admin, false)]
    [InlineData("admin", Access.Ingest, true)]
    [InlineData("admin", Access.Admin, true)]
    [InlineData(null, Access.Viewer, false)]
    public void Allows_Role_MatchesTheThreeKinds(string? role, Access required, bool expected) =>
        AccessPolicy.Allows(role, required).Should().Be(expected);

    [Theory]
    [InlineData("/settings/keys", "/settings/keys")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData(null, "/")]
    public void LoginReturnUrl_OnlyLocalPaths(string? url, string expected) =>
        LoginPage.LocalOnly(url).Should().Be(expected);

    [Fact]
    public void NewSecret_Has256RandomBits_AndHashIsSha256()
    {
        var a = ApiKeyStore.NewSecret();
        var b = ApiKeyStore.NewSecret();

        a.Should().NotBe(b);
        a.Length.Should().Be(3 + 43);
        ApiKeyStore.Hash(a).Should().HaveCount(32);
    }
}
