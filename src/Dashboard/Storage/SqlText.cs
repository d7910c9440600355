namespace Dashboard.Storage;

/// <summary>
/// SQL text both providers share: LIKE escaping (with <c>ESCAPE '\'</c>) and the runs list's kind filters, which
/// read the same aggregate column names on SQLite and PostgreSQL.
/// </summary>
internal static class SqlText
{
    /// <summary>The text with LIKE's wildcards and the escape character escaped, to match literally.</summary>
    public static string LikeEscape(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    /// <summary>"%text%" for a contains-match with <c>ESCAPE '\'</c>.</summary>
    public static string ContainsPattern(string text) => "%" + LikeEscape(text) + "%";

    /// <summary>The WHERE clauses of the runs list's kind filter, over the aggregate columns gens, evals, preds, pred_errs and execs.</summary>
    public static IEnumerable<string> KindClauses(RunKinds kind)
    {
        if (kind.HasFlag(RunKinds.Generations))
        {
            yield return "gens > 0";
        }
        if (kind.HasFlag(RunKinds.Evaluations))
        {
            yield return "evals > 0";
        }
        if (kind.HasFlag(RunKinds.Predictions))
        {
            yield return "preds + pred_errs > 0";
        }
        if (kind.HasFlag(RunKinds.Pipelines))
        {
            yield return "execs > 0";
        }
    }
}
