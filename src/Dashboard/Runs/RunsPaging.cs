
namespace Dashboard.Runs;

/// <summary>
/// Paging of GET /api/v1/runs and /api/v1/overview: at most limit runs from offset, most recently active first, with
/// the matching total in the X-Total-Count header (the body stays a plain array, so existing clients keep working).
/// </summary>
public static class RunsPaging
{
    public const int DefaultLimit = 200;
    public const int MaxLimit = 1000;
    public const string TotalHeader = "X-Total-Count";

    public static IResult? Problem(int? limit, int? offset) =>
        limit is < 1 or > MaxLimit ? ApiProblems.BadParameter("limit", $"limit must be between 1 and {MaxLimit} (default {DefaultLimit}).")
        : offset is < 0 ? ApiProblems.BadParameter("offset", "offset must be 0 or more.")
        : null;

    public static void SetTotal(HttpResponse response, int total) =>
        response.Headers[TotalHeader] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
