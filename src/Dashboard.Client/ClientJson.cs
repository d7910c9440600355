using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dashboard.Client;

/// <summary>The wire's JSON conventions: snake_case names, absent rather than null, NaN and Infinity as the server keeps them.</summary>
internal static class ClientJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // afterimage records NaN scores and metrics; the dashboard keeps them, so they must not fail a batch here.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
