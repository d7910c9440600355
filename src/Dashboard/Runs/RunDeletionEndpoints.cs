using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Runs;

/// <summary>Run deletion (admin; <c>AccessPolicy</c> decides from the path): the API's DELETE and the <see cref="DeleteRunButton"/>'s form post.</summary>
public static class RunDeletionEndpoints
{
    public static IEndpointRouteBuilder MapRunDeletionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapDelete("/api/v1/runs/{run}", DeleteRun).WithTags("Runs").ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/settings/runs/{run}/delete", DeleteRunForm).ExcludeFromDescription();
        return app;
    }

    internal static IResult DeleteRun(string run, RunMaintenance maintenance)
    {
        if (!RunNameRule.IsValid(run))
        {
            return ApiProblems.BadParameter("run", RunNameRule.Message("run"));
        }
        return maintenance.DeleteRun(run) ? TypedResults.NoContent() : ApiProblems.RunNotFound(run);
    }

    /// <summary>The <see cref="DeleteRunButton"/>'s post: a form (so antiforgery applies), answered with a redirect to the runs list.</summary>
    internal static IResult DeleteRunForm(string run, [FromForm] string? confirm, RunMaintenance maintenance)
    {
        if (confirm != "yes")
        {
            return ApiProblems.BadParameter("confirm", "Tick the confirmation box to delete the run.");
        }
        return DeleteRun(run, maintenance) is Microsoft.AspNetCore.Http.HttpResults.NoContent ? TypedResults.Redirect("/?deleted=" + Uri.EscapeDataString(run)) : ApiProblems.RunNotFound(run);
    }
}
