using System.Text.Json;

namespace Dashboard.Alerts;

/// <summary>GET/POST /api/v1/silences and DELETE /api/v1/silences/{id} (which ends the silence now and keeps it as history).</summary>
public static class SilenceEndpoints
{
    internal static async Task<IResult> GetSilencesAsync(SilenceStore silences, string? state = null, CancellationToken ct = default)
    {
        if (state is not null && !Silence.States.Contains(state))
        {
            return ApiProblems.BadParameter("state", "state must be active, pending or expired.");
        }
        return TypedResults.Ok(await silences.GetAsync(state, ct));
    }

    internal static async Task<IResult> PostSilenceAsync(HttpContext context, SilenceStore silences, TimeProvider time)
    {
        var (bytes, refused) = await AlertsEndpoints.ReadUtf8BodyAsync(context);
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
        var (silence, error) = SilenceRequest.Parse(body, Timestamps.ToMicros(time.GetUtcNow()));
        if (error is not null)
        {
            return ApiProblems.BadParameter(error.Field, error.Message);
        }
        var stored = await silences.AddAsync(silence!, context.RequestAborted);
        return TypedResults.Created($"/api/v1/silences?state={stored.State}", stored);
    }

    internal static async Task<IResult> DeleteSilenceAsync(long id, SilenceStore silences, CancellationToken ct)
    {
        var expired = await silences.ExpireAsync(id, ct);
        return expired is null
            ? TypedResults.Problem(title: "No such silence.", statusCode: StatusCodes.Status404NotFound,
                detail: $"No silence has id {id}.", extensions: new Dictionary<string, object?> { ["field"] = "id" })
            : TypedResults.Ok(expired);
    }
}
