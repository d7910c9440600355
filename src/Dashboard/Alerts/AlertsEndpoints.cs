using System.Text.Json;
using Dashboard.Hosting;
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
        api.MapGet("/settings/alerts", GetSettingsAsync).WithName("GetAlertSettings");
        api.MapPut("/settings/alerts", PutSettingsAsync).Accepts<AlertSettings>("application/json").WithName("SaveAlertSettings");
        app.MapPost("/alerts/{id:long}/resolve", ResolveAlertFormAsync).ExcludeFromDescription();
        return app;
    }

    internal static async Task<IResult> GetAlertsAsync(AlertStore store, string? run = null, string? severity = null,
        string? state = null, string? limit = null, CancellationToken ct = default)
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
        return TypedResults.Ok(await store.GetAsync(string.IsNullOrEmpty(run) ? null : run, severity, state, take, ct));
    }

    internal static async Task<IResult> PostAlertAsync(HttpContext context, AlertStore store, IAlertSink sink, TimeProvider time)
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
        await sink.OnAlertChangedAsync(new AlertChange(stored, Notify: true));
        return TypedResults.Created($"/api/v1/alerts?limit=1", stored);
    }

    /// <summary>
    /// The whole body, checked as UTF-8 before parsing: System.Text.Json checks UTF-8 only as it decodes a string,
    /// and a bad byte inside one surfaced as a DecoderFallbackException (a 500) instead of a 400.
    /// </summary>
    private static async Task<(ReadOnlyMemory<byte> Body, IResult? Refused)> ReadUtf8BodyAsync(HttpContext context)
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

/// <summary>calibrax ProductionMonitor.trigger_alert's fields, plus the run it belongs to.</summary>
public sealed record ExternalAlertRequest(string Message, string Severity, string? MetricName, double? MetricValue,
    double? Threshold, JsonElement? Metadata, string? Run)
{
    public static (AlertEntity? Alert, FieldError? Error) Parse(JsonElement body, long now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return (null, new FieldError("body", "The body must be a JSON object."));
        }
        if (!body.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String || message.GetString()!.Length is 0 or > 2000)
        {
            return (null, new FieldError("message", "message must be a string of 1-2000 characters."));
        }
        var severity = AlertSeverity.Warning;
        if (body.TryGetProperty("severity", out var sev) && sev.ValueKind != JsonValueKind.Null)
        {
            severity = sev.ValueKind == JsonValueKind.String ? sev.GetString()!.ToLowerInvariant() : "";
            if (!AlertSeverity.All.Contains(severity))
            {
                return (null, new FieldError("severity", "severity must be info, warning, error or critical."));
            }
        }
        string? metricName = null;
        if (body.TryGetProperty("metric_name", out var mn) && mn.ValueKind != JsonValueKind.Null)
        {
            if (mn.ValueKind != JsonValueKind.String || mn.GetString()!.Length is 0 or > 256)
            {
                return (null, new FieldError("metric_name", "metric_name must be a string of 1-256 characters."));
            }
            metricName = mn.GetString();
        }
        if (!TryNumber(body, "metric_value", out var value))
        {
            return (null, new FieldError("metric_value", "metric_value must be a number."));
        }
        if (!TryNumber(body, "threshold", out var threshold))
        {
            return (null, new FieldError("threshold", "threshold must be a number."));
        }
        string? metadata = null;
        if (body.TryGetProperty("metadata", out var md) && md.ValueKind != JsonValueKind.Null)
        {
            if (md.ValueKind != JsonValueKind.Object)
            {
                return (null, new FieldError("metadata", "metadata must be a JSON object."));
            }
            metadata = md.GetRawText();
        }
        string? run = null;
        if (body.TryGetProperty("run", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind != JsonValueKind.String || !RunNameRule.IsValid(r.GetString()!))
            {
                return (null, new FieldError("run", RunNameRule.Message("run")));
            }
            run = r.GetString();
        }
        return (new AlertEntity
        {
            Rule = AlertStore.ExternalPrefix + (metricName is null ? "" : ":" + metricName),
            Run = run, Severity = severity, State = AlertState.Firing, Message = message.GetString()!,
            Value = value, Threshold = threshold, StartedAt = now, UpdatedAt = now, Metadata = metadata,
        }, null);
    }

    private static bool TryNumber(JsonElement body, string name, out double? value)
    {
        value = null;
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble()))
        {
            return false;
        }
        value = v.GetDouble();
        return true;
    }
}
