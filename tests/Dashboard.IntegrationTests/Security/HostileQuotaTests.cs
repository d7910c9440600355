using System.Net;
using System.Text.RegularExpressions;
using Dashboard.IntegrationTests.Infrastructure;
using static Microsoft.Playwright.Assertions;
using Xunit.Abstractions;

namespace Dashboard.IntegrationTests.Security;

/// <summary>
/// Floods of client-chosen names (issue 11, item 1) against low configured quotas: each quota answers 409 naming the field
/// and the Ingest:* key, nothing of the refused request is stored, quotas hold across a restart, and the pages that list
/// names stay bounded (top N plus "N more") whatever the cardinality.
/// </summary>
public sealed class HostileQuotaTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> LowQuotas = new()
    {
        ["Ingest:MaxPipelinesPerRun"] = "300",
        ["Ingest:MaxLabelsPerRun"] = "300",
        ["Ingest:MaxModelNamesPerRun"] = "5",
        ["Ingest:MaxEvaluatorTypesPerRun"] = "5",
        ["Ingest:MaxMetadataKeysPerRun"] = "40",
    };

    public static TheoryData<string, string, string> OverQuotaCases => new()
    {
        { "pipeline", "MaxPipelinesPerRun", """{"type":"pipeline_execution","pipeline":"p-{0}","execution_time":1,"success":true}""" },
        { "prediction", "MaxLabelsPerRun", """{"type":"prediction","prediction":"label-{0}","confidence":0.5}""" },
        { "model_name", "MaxModelNamesPerRun", """{"type":"generation","duration":1,"success":true,"model_name":"m-{0}","total_token_count":3}""" },
        { "evaluator_type", "MaxEvaluatorTypesPerRun", """{"type":"evaluation","duration":1,"success":true,"evaluator_type":"judge-{0}"}""" },
        { "metadata", "MaxMetadataKeysPerRun", """{"type":"metric","name":"m","value":1,"metadata":{"key-{0}":1}}""" },
        { "events", "MaxMetricNamesPerRun", """{"type":"metric","name":"metric-{0}","value":1}""" },
    };

    [Theory]
    [MemberData(nameof(OverQuotaCases))]
    public async Task PostIngest_NameFlood_Answers409NamingFieldAndQuotaAndStoresNothingOfIt(string field, string quota, string template)
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?>(LowQuotas) { ["Ingest:MaxMetricNamesPerRun"] = "300" });
        using var http = factory.CreateHttpClient();
        var limit = int.Parse(LowQuotas.GetValueOrDefault("Ingest:" + quota) ?? "300", System.Globalization.CultureInfo.InvariantCulture);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var request = 0; request < 40 && refused is null; request++)
        {
            var response = await PostAsync(http, "flood", template, request * 10, 10);
            statuses.Add(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                refused = response;
            }
        }

        refused.Should().NotBeNull($"{quota} stops the flood");
        refused!.StatusCode.Should().Be(HttpStatusCode.Conflict);
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await Json.ReadAsync(refused);
        problem.GetProperty("field").GetString().Should().Be(field);
        problem.GetProperty("detail").GetString().Should().Contain("Ingest:" + quota);
        statuses.Count(s => s == HttpStatusCode.OK).Should().Be(limit / 10, "every request within the quota is stored");
        var stored = StoredPoints.Count(factory.DatabasePath, "SELECT COALESCE(SUM(event_count), 0) FROM runs");
        stored.Should().Be(limit / 10 * 10, "nothing of the refused request was stored");
        output.WriteLine($"{quota}={limit}: {statuses.Count - 1} requests stored, then 409: {problem.GetProperty("detail").GetString()}");
    }

    [Fact]
    public async Task PostIngest_QuotaReachedThenRestart_StillRefusesNewNamesButTakesKnownOnes()
    {
        var settings = new Dictionary<string, string?> { ["Ingest:MaxPipelinesPerRun"] = "20", ["Ingest:MaxLabelsPerRun"] = "20", ["Ingest:MaxEvaluatorTypesPerRun"] = "20", ["Ingest:MaxModelNamesPerRun"] = "20" };
        var path = TempFiles.NewDatabasePath();
        await using (var first = new DashboardFactory(path, settings))
        {
            using var http = first.CreateHttpClient();
            foreach (var template in OverQuotaCases.Select(c => (string)c[2]).Take(4))
            {
                (await PostAsync(http, "kept", template, 0, 20)).StatusCode.Should().Be(HttpStatusCode.OK);
            }
        }
        await using var second = new DashboardFactory(path, settings);
        using var http2 = second.CreateHttpClient();

        foreach (var template in OverQuotaCases.Select(c => (string)c[2]).Take(4))
        {
            (await PostAsync(http2, "kept", template, 0, 20)).StatusCode.Should().Be(HttpStatusCode.OK, "names already held fit: " + template);
            (await PostAsync(http2, "kept", template, 20, 1)).StatusCode.Should().Be(HttpStatusCode.Conflict, "the 21st, read back from the file: " + template);
        }
    }

    [Fact]
    public async Task PostIngest_InvalidEventBesideValidOnesUnderQuota_Answers207()
    {
        await using var factory = new DashboardFactory(settings: LowQuotas);
        using var http = factory.CreateHttpClient();

        using var response = await http.PostAsync("/api/v1/ingest", Json.Raw("""
            {"run":"mixed","events":[{"type":"pipeline_execution","pipeline":"a","execution_time":1,"success":true},{"type":"pipeline_execution","pipeline":"b"}]}
            """));

        response.StatusCode.Should().Be((HttpStatusCode)207);
    }

    [Fact]
    public async Task PipelinesPage_MorePipelinesThanShown_RendersTopNPlusMoreWithBoundedHtml()
    {
        await using var factory = new DashboardFactory(settings: LowQuotas);
        using var http = factory.CreateHttpClient();
        const string template = """{"type":"pipeline_execution","pipeline":"p-{0}","execution_time":1,"success":true}""";
        for (var request = 0; request < 25; request++)
        {
            (await PostAsync(http, "wide", template, request * 10, 10)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        // p-0 gets many executions so it must be among the top listed.
        (await PostAsync(http, "wide", template.Replace("{0}", "0"), 0, 5, unique: true)).StatusCode.Should().Be(HttpStatusCode.OK);

        var html = await http.GetStringAsync("/pipelines");
        var api = await Json.GetAsync(http, "/api/v1/pipelines/health");

        Regex.Matches(html, "data-pipeline=\"p-\\d+\"").Count.Should().Be(100);
        html.Should().Contain("data-pipeline=\"p-0\"");
        html.Should().Contain("<span data-field=\"more\">150</span> more pipelines not shown");
        // The prerender carries each chart's options (drawn before the circuit, issue 10): still bounded by the 100 shown.
        html.Length.Should().BeLessThan(200_000, "the page is bounded by N, not by the pipelines stored");
        api.GetProperty("pipelines").GetArrayLength().Should().Be(100);
        api.GetProperty("more").GetInt32().Should().Be(150);
        (await http.GetAsync("/api/v1/pipelines/health?limit=0")).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Json.GetAsync(http, "/api/v1/pipelines/health?limit=1000")).GetProperty("pipelines").GetArrayLength().Should().Be(250);
        output.WriteLine($"/pipelines with 250 pipelines: {html.Length} characters of HTML");
    }

    [Fact]
    public async Task PipelinesPageInChromium_MorePipelinesThanShown_StaysAtTopNThroughLiveUpdates()
    {
        await using var factory = new DashboardFactory(settings: LowQuotas);
        using var http = factory.CreateHttpClient();
        const string template = """{"type":"pipeline_execution","pipeline":"p-{0}","execution_time":1,"success":true}""";
        for (var request = 0; request < 25; request++)
        {
            (await PostAsync(http, "wide", template, request * 10, 10)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);

        await page.GotoAsync("/pipelines");
        await Expect(page.Locator("#connection-badge")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-field=pipelines] .stack-row[data-pipeline]")).ToHaveCountAsync(100);
        await Expect(page.Locator("#pipelines-more")).ToContainTextAsync("150 more pipelines not shown");
        (await PostAsync(http, "wide", template, 250, 10)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await PostAsync(http, "wide", template.Replace("{0}", "hot"), 0, 20, unique: true)).StatusCode.Should().Be(HttpStatusCode.OK);

        await Expect(page.Locator("[data-field=pipelines] .stack-row[data-pipeline]").Filter(new() { HasText = "p-hot" })).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-field=pipelines] .stack-row[data-pipeline]")).ToHaveCountAsync(100);
        await Expect(page.Locator("#pipelines-more")).ToContainTextAsync("161 more pipelines not shown", new() { Timeout = 15_000 });
        await Browser.ScreenshotAsync(page, "pipelines-bounded");
        browser.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PredictionsPage_MoreLabelsThanShown_RendersTopNPlusMoreWithBoundedHtml()
    {
        await using var factory = new DashboardFactory(settings: LowQuotas);
        using var http = factory.CreateHttpClient();
        const string template = """{"type":"prediction","prediction":"label-{0}","confidence":0.5}""";
        for (var request = 0; request < 25; request++)
        {
            (await PostAsync(http, "labels", template, request * 10, 10)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var html = await http.GetStringAsync("/predictions?run=labels");
        var api = await Json.GetAsync(http, "/api/v1/runs/labels/predictions/summary");

        Regex.Matches(html, "data-label=\"label-\\d+\"").Count.Should().Be(100);
        html.Should().Contain("150</span> more labels not shown");
        html.Length.Should().BeLessThan(150_000);
        api.GetProperty("labels").GetArrayLength().Should().Be(100);
        api.GetProperty("more_labels").GetInt32().Should().Be(150);
        output.WriteLine($"/predictions with 250 labels: {html.Length} characters of HTML");
    }

    [Fact]
    public async Task PredictionsPageInChromium_NewLabelsArrive_MoreLabelsCountFollowsLiveUpdates()
    {
        await using var factory = new DashboardFactory(settings: LowQuotas);
        using var http = factory.CreateHttpClient();
        const string template = """{"type":"prediction","prediction":"label-{0}","confidence":0.5}""";
        for (var request = 0; request < 10; request++)
        {
            (await PostAsync(http, "labels", template, request * 10, 10)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        await using var browser = new Browser();
        var page = await browser.NewPageAsync(factory.BaseAddress, 1400, 1600);

        await page.GotoAsync("/predictions?run=labels");
        await Expect(page.Locator("#connection-badge")).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 15_000 });
        await Expect(page.Locator("#labels-more")).ToBeHiddenAsync();
        (await PostAsync(http, "labels", template, 100, 30)).StatusCode.Should().Be(HttpStatusCode.OK);

        await Expect(page.Locator("#labels-more")).ToContainTextAsync("30 more labels not shown", new() { Timeout = 15_000 });
        (await PostAsync(http, "labels", template, 130, 10)).StatusCode.Should().Be(HttpStatusCode.OK);
        await Expect(page.Locator("#labels-more")).ToContainTextAsync("40 more labels not shown", new() { Timeout = 15_000 });
        await Expect(page.Locator("[data-field=labels] .label-bar")).ToHaveCountAsync(100);
        browser.Errors.Should().BeEmpty();
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string run, string template, int from, int count, bool unique = false)
    {
        var events = Enumerable.Range(from, count).Select(i => unique ? template : template.Replace("{0}", i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return http.PostAsync("/api/v1/ingest", Json.Raw($$"""{"run":"{{run}}","events":[{{string.Join(",", events)}}]}"""));
    }
}
