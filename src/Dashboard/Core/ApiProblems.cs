namespace Dashboard.Core;

/// <summary>problem+json answers for query endpoints: each names the parameter at fault.</summary>
public static class ApiProblems
{
    public static IResult BadParameter(string parameter, string detail) => TypedResults.Problem(
        title: $"The parameter '{parameter}' is invalid.",
        detail: detail,
        statusCode: StatusCodes.Status400BadRequest,
        extensions: new Dictionary<string, object?> { ["field"] = parameter });

    public static IResult RunNotFound(string run) => TypedResults.Problem(
        title: "No such run.",
        detail: $"No run named '{run}' has been stored.",
        statusCode: StatusCodes.Status404NotFound,
        extensions: new Dictionary<string, object?> { ["field"] = "run" });
}
