using System.Text.Json;
using Dashboard.Ingest;
using Dashboard.Live;

namespace Dashboard.Alerts;

/// <summary>POST /api/v1/alerts (calibrax trigger_alert), GET /api/v1/alerts, and the alert settings API.</summary>
public static class AlertsEndpoints
{
    public const int MaxLimit = 1000;

    /// <summary>Largest alert or alert-settings body; an alert's message is at most 2,000 characters.</summary>
    public const int MaxBodyBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").WithTags("Alerts");
        api.MapGet("/alerts", GetAlertsAsync).WithName("GetAlerts");
        api.MapPost("/alerts", PostAlertAsync).Accepts<ExternalAlertRequest>("application/json").WithName("TriggerAlert");
        api.MapPost("/alerts/{id:long}/resolve", ResolveAlertAsync).WithName("ResolveAlert");
        api.MapPost("/alerts/{id:long}/ack", AcknowledgeAsync).WithName("AcknowledgeAlert");
        api.MapDelete("/alerts/{id:long}/ack", UnacknowledgeAsync).WithName("UnacknowledgeAlert");
        api.MapGet("/silences", SilenceEndpoints.GetSilencesAsync).WithName("GetSilences");
        api.MapPost("/silences", SilenceEndpoints.PostSilenceAsync).WithName("AddSilence");
        api.MapDelete("/silences/{id:long}", SilenceEndpoints.DeleteSilenceAsync).WithName("ExpireSilence");
        api.MapGet("/settings/alerts", GetSettingsAsync).WithName("GetAlertSettings");
        api.MapPut("/settings/alerts", PutSettingsAsync).Accepts<AlertSettings>("application/json").WithName("SaveAlertSettings");
        app.MapPost("/alerts/{id:long}/resolve", ResolveAlertFormAsync).ExcludeFromDescription();
        return app;
    }

    internal static async Task<IResult> GetAlertsAsync(AlertStore store, SilenceStore silences, string? run = null, string? severity = null,
        string? state = null, string? limit = null, string? rule = null, CancellationToken ct = default)
    {
        if (severity is not null && !AlertSeverity.All.Contains(severity))
        {
            return ApiProblems.BadParameter("severity", "severity must be info, warning, error or critical.");
        }
        if (state is not null && !AlertState.Stored.Contains(state))
        {
            return ApiProblems.BadParameter("state", "state must be pending, firing or resolved.");
        }
        var take = 100;
        if (limit is not null && (!int.TryParse(limit, out take) || take < 1 || take > MaxLimit))
        {
            return ApiProblems.BadParameter("limit", $"limit must be a whole number from 1 to {MaxLimit}.");
        }
        return TypedResults.Ok(await store.GetAsync(string.IsNullOrEmpty(run) ? null : run, severity, state, take, ct,
            string.IsNullOrEmpty(rule) ? null : rule, await silences.GetActiveAsync(ct)));
    }

    internal static async Task<IResult> PostAlertAsync(HttpContext context, AlertStore store, SilenceStore silences, IAlertSink sink, TimeProvider time)
    {
        var (bytes, refused) = await ReadUtf8BodyAsync(context);
        if (refused is not null)
        {
            return refused;
        }
        JsonElement body;
        try
        {
            body = JsonSerializer.Deserialize<JsonElement>(bytes.Span);
        }
        catch (JsonException ex)
        {
            return ApiProblems.BadParameter("body", "The body is not valid JSON: " + ex.Message);
        }
        var (alert, error) = ExternalAlertRequest.Parse(body, Timestamps.ToMicros(time.GetUtcNow()));
        if (error is not null)
        {
            return ApiProblems.BadParameter(error.Field, error.Message);
        }
        var stored = await store.AddExternalAsync(alert!, context.RequestAborted);
        var silence = (await silences.GetActiveAsync(context.RequestAborted)).For(stored.Rule, stored.Run, stored.Severity);
        stored = stored with { Silenced = silence is not null, SilenceId = silence?.Id };
        await sink.OnAlertChangedAsync(new AlertChange(stored, Notify: silence is null));
        return TypedResults.Created($"/api/v1/alerts?limit=1", stored);
    }

    internal static async Task<IResult> AcknowledgeAsync(long id, HttpContext context, AlertStore store, SilenceStore silences,
        IAlertSink sink, TimeProvider time)
    {
        string? by = null, comment = null;
        if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            var (bytes, refused) = await ReadUtf8BodyAsync(context);
            if (refused is not null)
            {
                return refused;
            }
            if (bytes.Length > 0)
            {
                JsonElement body;
                try
                {
                    body = JsonSerializer.Deserialize<JsonElement>(bytes.Span);
                }
                catch (JsonException ex)
                {
                    return ApiProblems.BadParameter("body", "The body is not valid JSON: " + ex.Message);
                }
                if (body.ValueKind != JsonValueKind.Object)
                {
                    return ApiProblems.BadParameter("body", "The body must be a JSON object.");
                }
                if (!OptionalText(body, "by", 128, out by))
                {
                    return ApiProblems.BadParameter("by", "by must be a string of 1-128 characters.");
                }
                if (!OptionalText(body, "comment", 1000, out comment))
                {
                    return ApiProblems.BadParameter("comment", "comment must be a string of 1-1000 characters.");
                }
            }
        }
        var active = await silences.GetActiveAsync(context.RequestAborted);
        var acked = await store.AcknowledgeAsync(id, by, comment, Timestamps.ToMicros(time.GetUtcNow()), active, context.RequestAborted);
        return await AnswerAsync(id, acked, sink);
    }

    internal static async Task<IResult> UnacknowledgeAsync(long id, AlertStore store, SilenceStore silences, IAlertSink sink, CancellationToken ct) =>
        await AnswerAsync(id, await store.UnacknowledgeAsync(id, await silences.GetActiveAsync(ct), ct), sink);

    /// <summary>Pages hear of the change at once; an acknowledgement is not a notification.</summary>
    private static async Task<IResult> AnswerAsync(long id, AlertChangedMessage? alert, IAlertSink sink)
    {
        if (alert is null)
        {
            return TypedResults.Problem(title: "No such alert.", statusCode: StatusCodes.Status404NotFound,
                detail: $"No alert has id {id}.", extensions: new Dictionary<string, object?> { ["field"] = "id" });
        }
        await sink.OnAlertChangedAsync(new AlertChange(alert, Notify: false));
        return TypedResults.Ok(alert);
    }

    private static bool OptionalText(JsonElement body, string name, int max, out string? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (v.ValueKind != JsonValueKind.String || v.GetString()!.Length is 0 || v.GetString()!.Length > max)
        {
            return false;
        }
        value = v.GetString();
        return true;
    }

    /// <summary>
    /// The whole body, checked as UTF-8 before parsing: System.Text.Json checks UTF-8 only as it decodes a string,
    /// and a bad byte inside one surfaced as a DecoderFallbackException (a 500) instead of a 400.
    /// </summary>
    internal static async Task<(ReadOnlyMemory<byte> Body, IResult? Refused)> ReadUtf8BodyAsync(HttpContext context)
    {
        var body = await RequestBody.ReadAsync(context.Request, MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return (default, TypedResults.Problem(title: "The body is too large.", statusCode: StatusCodes.Status413PayloadTooLarge,
                detail: $"Alert bodies are at most {MaxBodyBytes} bytes.", extensions: new Dictionary<string, object?> { ["field"] = "body" }));
        }
        if (!System.Text.Unicode.Utf8.IsValid(body.Value.Span))
        {
            return (default, ApiProblems.BadParameter("body", "The body is not valid UTF-8."));
        }
        return (body.Value, null);
    }

    internal static async Task<IResult> ResolveAlertAsync(long id, AlertStore store, IAlertSink sink, TimeProvider time, CancellationToken ct)
    {
        var resolved = await store.ResolveExternalAsync(id, Timestamps.ToMicros(time.GetUtcNow()), ct);
        if (resolved is null)
        {
            return TypedResults.Problem(title: "No such external alert.", statusCode: StatusCodes.Status404NotFound,
                detail: $"No external alert has id {id}; rule alerts resolve themselves when their condition clears.",
                extensions: new Dictionary<string, object?> { ["field"] = "id" });
        }
        await sink.OnAlertChangedAsync(new AlertChange(resolved, Notify: true));
        return TypedResults.Ok(resolved);
    }

    /// <summary>The alert feed's Resolve button: a form post (so antiforgery applies), answered with a redirect back to the page.</summary>
    internal static async Task<IResult> ResolveAlertFormAsync(long id, [Microsoft.AspNetCore.Mvc.FromForm] string? returnUrl,
        AlertStore store, IAlertSink sink, TimeProvider time, CancellationToken ct)
    {
        var result = await ResolveAlertAsync(id, store, sink, time, ct);
        // Only a path on this site: "//host" and "/\host" would leave it.
        var local = returnUrl is { Length: > 0 } && returnUrl[0] == '/' && (returnUrl.Length == 1 || returnUrl[1] is not ('/' or '\\'));
        return result is Microsoft.AspNetCore.Http.HttpResults.Ok<AlertChangedMessage> ? TypedResults.Redirect(local ? returnUrl! : "/alerts") : result;
    }

    internal static async Task<IResult> GetSettingsAsync(AlertSettingsStore settings, CancellationToken ct) =>
        TypedResults.Json(await settings.GetAsync(ct), AlertSettingsStore.Json);

    internal static async Task<IResult> PutSettingsAsync(HttpContext context, AlertSettingsStore settings)
    {
        var (bytes, refused) = await ReadUtf8BodyAsync(context);
        if (refused is not null)
        {
            return refused;
        }
        AlertSettings? document;
        try
        {
            document = JsonSerializer.Deserialize<AlertSettings>(bytes.Span, AlertSettingsStore.Json);
        }
        catch (JsonException ex)
        {
            var field = (ex.Path ?? "$").TrimStart('$').TrimStart('.');
            return ApiProblems.BadParameter(field.Length == 0 ? "body" : field, "The value has the wrong type: " + ex.Message);
        }
        if (document is null)
        {
            return ApiProblems.BadParameter("body", "The body must be a JSON object.");
        }
        document.Rules ??= [];
        document.CustomRules ??= [];
        document.Baselines ??= [];
        document.Webhooks ??= [];
        document.Notifications ??= new();
        var errors = await settings.SaveAsync(document, context.RequestAborted);
        if (errors.Count > 0)
        {
            return TypedResults.Problem(
                title: $"The field '{errors[0].Field}' is invalid.", detail: errors[0].Message,
                statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?>
                {
                    ["field"] = errors[0].Field,
                    ["errors"] = errors.ToDictionary(e => e.Field, e => e.Message),
                });
        }
        return TypedResults.Json(await settings.GetAsync(context.RequestAborted), AlertSettingsStore.Json);
    }
}
