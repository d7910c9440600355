using System.Net;
using System.Text;
using System.Text.Json;
using Dashboard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Dashboard.IntegrationTests.Security;

/// <summary>
/// A corpus of malformed and hostile ingest bodies built from tables. Whole-body faults answer 400
/// naming the field; a bad event answers 400 alone and 207 beside a valid event, which is stored.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    private const string Valid = """{"type":"metric","id":"good","name":"ok","value":1}""";

    private static readonly string[] BadNumbers =
    [
        "\"1\"", "\"NaN\"", "\"nan\"", "\"Infinity\"", "\"-Infinity\"", "\"inf\"", "\"+Infinity\"", "true", "[]", "{}",
        "1e400", "-1e400", "1e309",
    ];

    // NaN, Infinity and -Infinity as bare tokens are what Python's json.dumps writes: kept since issue 12 (see
    // PostIngest_PythonNonFiniteAndBooleanValues_AreKept). Every other spelling is still not JSON.
    private static readonly string[] InvalidJsonNumbers =
        ["-NaN", "+Infinity", "nan", "inf", "-inf", "+1", "01", "1.", ".5", "0x10", "1e", "--1", "1e+", "Inf"];

    // Fields that take afterimage's values keep NaN/Infinity/-Infinity (as strings too) within their range, and the
    // metric value takes booleans as 1/0; the prediction and pipeline fields stay finite.
    private static bool IsKeptNow(string type, string field, string value) =>
        type is "metric" or "generation" or "evaluation"
        && (value is "\"NaN\"" or "\"Infinity\"" || (value == "\"-Infinity\"" && type == "metric") || (value == "true" && type == "metric"));

    private static readonly (string Type, string Field, string Base)[] NumberFields =
    [
        ("metric", "value", """{"type":"metric","name":"m","value":1}"""),
        ("generation", "duration", """{"type":"generation","duration":1,"success":true}"""),
        ("generation", "total_token_count", """{"type":"generation","duration":1,"success":true,"total_token_count":3}"""),
        ("evaluation", "duration", """{"type":"evaluation","duration":1,"success":true,"evaluator_type":"judge"}"""),
        ("prediction", "confidence", """{"type":"prediction","prediction":"pos","confidence":0.5}"""),
        ("pipeline_execution", "execution_time", """{"type":"pipeline_execution","pipeline":"p","execution_time":1,"success":true}"""),
    ];

    private static readonly string[] BadNames =
    [
        "\"\"", "1", "[]", "{}", "true", "\"a\\u0000b\"", "\"a\\u0001\"", "\"bell\\u0007\"", "\"esc\\u001b[31m\"", "\"del\\u007f\"",
        "\"nl\\nname\"", "\"tab\\tname\"", "\"c1\\u0085\"", Quoted(new string('n', 5_000)),
    ];

    private static readonly (string Field, string Base)[] NameFields =
    [
        ("name", """{"type":"metric","name":"m","value":1}"""),
        ("model_name", """{"type":"generation","duration":1,"success":true,"model_name":"x"}"""),
        ("prediction", """{"type":"prediction","prediction":"pos","confidence":0.5}"""),
        ("pipeline", """{"type":"pipeline_execution","pipeline":"p","execution_time":1,"success":true}"""),
        ("evaluator_type", """{"type":"evaluation","duration":1,"success":true,"evaluator_type":"judge"}"""),
        ("type", """{"type":"metric","name":"m","value":1}"""),
    ];

    private static readonly string[] BadMetadata =
    [
        "[]", "\"text\"", "1", "true", Nest(9), Nest(40), """{"big":1e400}""", """{"a":[1,2,-1e999]}""",
        "{\"blob\":" + Quoted(new string('x', 20_000)) + "}",
    ];

    private static readonly string[] BadUtf8 = ["\xFF", "\xC0\xAF", "\xED\xA0\x80", "\xF8\x88\x80\x80\x80", "\xE2\x82", "\x80", "\xF4\x90\x80\x80"];

    public static IEnumerable<(string Name, byte[] Body, string Field)> BodyCases()
    {
        foreach (var text in new[] { "", " ", "{", "}", "[", "nul", "{\"run\":", "{'run':'a'}", "{run:\"a\"}", "{\"run\":\"a\",}", "{\"run\":\"a\"} x",
                     "// c\n{\"run\":\"a\"}", "{\"run\":\"a\",\"events\":[" + Valid + ",]}", "[]", "\"s\"", "1", "null", "true" })
        {
            yield return ("not an object: " + text, Utf8(text), "body");
        }
        foreach (var n in InvalidJsonNumbers)
        {
            yield return ($"number literal {n}", Utf8($$"""{"run":"a","events":[{"type":"metric","name":"m","value":{{n}}}]}"""), "body");
        }
        foreach (var depth in new[] { 65, 1_000, 100_000 })
        {
            yield return ($"array nesting {depth}", Utf8(new string('[', depth) + new string(']', depth)), "body");
            yield return ($"metadata nesting {depth}", Utf8($$"""{"run":"a","events":[{"type":"metric","name":"m","value":1,"metadata":{{Nest(depth)}}}]}"""), "body");
        }
        for (var i = 0; i < BadUtf8.Length; i++)
        {
            var bad = BadUtf8[i];
            yield return ($"bad utf-8 #{i} in run", Latin1($$"""{"run":"a{{bad}}","events":[{{Valid}}]}"""), "body");
            yield return ($"bad utf-8 #{i} in key", Latin1($$"""{"run":"a","events":[{{Valid}}],"x{{bad}}":1}"""), "body");
            yield return ($"bad utf-8 #{i} outside strings", Latin1($$"""{"run":"a","events":[{{Valid}}]}{{bad}}"""), "body");
            yield return ($"bad utf-8 #{i} in metric name", Latin1($$"""{"run":"a","events":[{"type":"metric","name":"m{{bad}}","value":1}]}"""), "body");
        }
        foreach (var run in new[] { "null", "1", "true", "[]", "{}", "\"\"", "\"a b\"", "\"a/b\"", "\"<script>\"", Quoted(new string('r', 129)),
                     "\"\\u0000\"", "\"é\"", "\"a\\nb\"", "\"../../etc\"" })
        {
            yield return ($"run {run[..Math.Min(run.Length, 20)]}", Utf8($$"""{"run":{{run}},"events":[{{Valid}}]}"""), "run");
        }
        yield return ("run missing", Utf8($$"""{"events":[{{Valid}}]}"""), "run");
        foreach (var project in new[] { "1", "\"\"", "\"a b\"", "[]", Quoted(new string('p', 200)) })
        {
            yield return ($"project {project[..Math.Min(project.Length, 20)]}", Utf8($$"""{"run":"a","project":{{project}},"events":[{{Valid}}]}"""), "project");
        }
        foreach (var events in new[] { "null", "{}", "\"x\"", "1", "[]" })
        {
            yield return ($"events {events}", Utf8($$"""{"run":"a","events":{{events}}}"""), "events");
        }
        yield return ("events missing", Utf8("""{"run":"a"}"""), "events");
        yield return ("too many events", Utf8($$"""{"run":"a","events":[{{string.Join(",", Enumerable.Repeat(Valid, 51))}}]}"""), "events");
        yield return ("duplicate top-level key", Utf8($$"""{"run":"a","run":"b","events":[{{Valid}}]}"""), "body");
        yield return ("duplicate event key", Utf8("""{"run":"a","events":[{"type":"metric","name":"m","value":1,"value":2}]}"""), "body");
        yield return ("duplicate metadata key", Utf8("""{"run":"a","events":[{"type":"metric","name":"m","value":1,"metadata":{"k":1,"k":2}}]}"""), "body");
    }

    /// <summary>Hostile single events: (case, event JSON, the field the error must name).</summary>
    public static IEnumerable<(string Name, string Event, string Field)> EventCases()
    {
        foreach (var e in new[] { "1", "\"x\"", "null", "[]", "true" })
        {
            yield return ($"event {e}", e, "");
        }
        foreach (var (type, field, b) in NumberFields)
        {
            foreach (var bad in BadNumbers.Where(b => !IsKeptNow(type, field, b)))
            {
                yield return ($"{type}.{field}={bad}", With(b, field, bad), field);
            }
        }
        yield return ("duration -1", With(NumberFields[1].Base, "duration", "-1"), "duration");
        yield return ("confidence 2", With(NumberFields[4].Base, "confidence", "2"), "confidence");
        foreach (var (field, b) in NameFields)
        {
            foreach (var bad in BadNames)
            {
                yield return ($"{field}={bad[..Math.Min(bad.Length, 16)]}", With(b, field, bad), field);
            }
        }
        foreach (var bad in BadMetadata)
        {
            yield return ($"metadata {bad[..Math.Min(bad.Length, 16)]}", With(NumberFields[0].Base, "metadata", bad), "metadata");
        }
        foreach (var bad in new[] { "\"not a date\"", "-1", "1e20", "\"1969-01-01T00:00:00Z\"", "true", "[]" })
        {
            yield return ($"timestamp {bad}", With(NumberFields[0].Base, "timestamp", bad), "timestamp");
        }
        foreach (var bad in new[] { "1", "[]", Quoted(new string('i', 200)) })
        {
            yield return ($"id {bad[..Math.Min(bad.Length, 10)]}", With(NumberFields[0].Base, "id", bad), "id");
        }
        yield return ("log message too long", """{"type":"log","message":""" + Quoted(new string('m', 9_000)) + "}", "message");
        yield return ("log message number", """{"type":"log","message":5}""", "message");
        yield return ("log data array", """{"type":"log","message":"m","data":[1]}""", "data");
        yield return ("success string", With(NumberFields[1].Base, "success", "\"yes\""), "success");
        yield return ("success missing", """{"type":"generation","duration":1}""", "success");
    }

    [Fact]
    public async Task PostIngest_HostileCorpus_Answers4xxNamingTheField_NeverLosesValidEvents()
    {
        await using var factory = new DashboardFactory(settings: new Dictionary<string, string?> { ["Ingest:MaxEventsPerBatch"] = "50" });
        using var http = factory.CreateHttpClient();
        var tried = 0;
        var failures = new List<string>();

        foreach (var (name, body, field) in BodyCases())
        {
            tried++;
            using var response = await PostAsync(http, body);
            var problem = await ProblemAsync(response);
            if (response.StatusCode != HttpStatusCode.BadRequest || problem?.GetProperty("field").GetString() != field)
            {
                failures.Add($"{name}: {(int)response.StatusCode} field={problem?.GetProperty("field")}");
            }
        }
        var valid = 0;
        foreach (var (name, e, field) in EventCases())
        {
            tried += 2;
            using var alone = await PostAsync(http, Utf8($$"""{"run":"hostile","events":[{{e}}]}"""));
            var problem = await ProblemAsync(alone);
            var pointer = problem?.GetProperty("errors")[0].GetProperty("pointer").GetString();
            if (alone.StatusCode != HttpStatusCode.BadRequest || pointer != $"/events/0/{field}")
            {
                failures.Add($"{name} alone: {(int)alone.StatusCode} pointer={pointer}");
            }
            var id = $"valid-{valid++}";
            using var mixed = await PostAsync(http, Utf8($$"""{"run":"hostile","events":[{"type":"metric","id":"{{id}}","name":"ok","value":1},{{e}}]}"""));
            var body = JsonDocument.Parse(await mixed.Content.ReadAsStringAsync()).RootElement;
            if (mixed.StatusCode != HttpStatusCode.MultiStatus || body.GetProperty("accepted").GetInt32() != 1
                || body.GetProperty("errors")[0].GetProperty("pointer").GetString() != $"/events/1/{field}")
            {
                failures.Add($"{name} mixed: {(int)mixed.StatusCode} {body}");
            }
        }

        output.WriteLine($"{tried} hostile requests tried");
        failures.Should().BeEmpty();
        tried.Should().BeGreaterThanOrEqualTo(200);
        var stored = DashboardProcess.StoredEventIds(factory.DatabasePath);
        stored.Should().HaveCount(valid, "every valid event beside a hostile one was stored");
    }

    [Fact]
    public async Task PostIngest_PythonNonFiniteAndBooleanValues_AreKept()
    {
        await using var factory = new DashboardFactory();
        using var http = factory.CreateHttpClient();
        var cases = new List<string>();
        foreach (var (type, field, b) in NumberFields)
        {
            cases.AddRange(BadNumbers.Where(v => IsKeptNow(type, field, v)).Select(v => With(b, field, v)));
        }
        cases.AddRange(new[] { "NaN", "Infinity", "-Infinity" }.Select(token => With(NumberFields[0].Base, "value", token)));

        var statuses = new List<HttpStatusCode>();
        foreach (var e in cases)
        {
            using var response = await PostAsync(http, Utf8($$"""{"run":"kept","events":[{{e}}]}"""));
            statuses.Add(response.StatusCode);
        }

        cases.Should().HaveCount(13);
        statuses.Should().AllBeEquivalentTo(HttpStatusCode.OK);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return await http.PostAsync("/api/v1/ingest", content);
    }

    private static async Task<JsonElement?> ProblemAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return null;
        }
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static string With(string json, string field, string value)
    {
        var trimmed = json[..^1];
        var key = $"\"{field}\":";
        var at = trimmed.IndexOf(key, StringComparison.Ordinal);
        if (at < 0)
        {
            return trimmed + "," + key + value + "}";
        }
        var end = ValueEnd(trimmed, at + key.Length);
        return trimmed[..(at + key.Length)] + value + trimmed[end..] + "}";
    }

    private static int ValueEnd(string s, int start)
    {
        if (s[start] == '"')
        {
            return s.IndexOf('"', start + 1) + 1;
        }
        var end = start;
        while (end < s.Length && s[end] != ',' && s[end] != '}')
        {
            end++;
        }
        return end;
    }

    private static string Nest(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private static string Quoted(string s) => "\"" + s + "\"";

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    /// <summary>Each char below 256 becomes that byte, so "\xFF" in a C# string is the raw byte 0xFF.</summary>
    private static byte[] Latin1(string s) => Encoding.Latin1.GetBytes(s);
}
