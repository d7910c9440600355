namespace Dashboard.Storage.Rollups;

/// <summary>
/// The token counts of one event and model as the run page folds them (<c>RunPageState.AddTokens</c>): each count
/// truncated to an integer, a missing total derived as prompt + completion, and the total also kept unrounded (the
/// per-bucket token chart sums it so). Summed per run, bucket, model and generation/judge, so the run page's first view
/// reads a few rows per bucket instead of every token point.
/// </summary>
public sealed class TokenCell
{
    public long Prompt { get; private set; }
    public long Completion { get; private set; }
    public long Total { get; private set; }
    public double TotalValue { get; private set; }
    public long Events { get; private set; }
    public long Derived { get; private set; }

    public TokenCell()
    {
    }

    public TokenCell(long prompt, long completion, long total, double totalValue, long events, long derived) =>
        (Prompt, Completion, Total, TotalValue, Events, Derived) = (prompt, completion, total, totalValue, events, derived);

    /// <summary>Folds one event's counts (<paramref name="sign"/> -1 takes back an event folded before); false when it has none of the three.</summary>
    public bool AddEvent(double? prompt, double? completion, double? total, int sign = 1)
    {
        if (prompt is null && completion is null && total is null)
        {
            return false;
        }
        var t = total ?? (prompt ?? 0) + (completion ?? 0);
        Prompt += sign * (long)(prompt ?? 0);
        Completion += sign * (long)(completion ?? 0);
        Total += sign * (long)t;
        TotalValue += sign * t;
        Events += sign;
        Derived += total is null ? sign : 0;
        return true;
    }

    public void Merge(TokenCell other)
    {
        Prompt += other.Prompt;
        Completion += other.Completion;
        Total += other.Total;
        TotalValue += other.TotalValue;
        Events += other.Events;
        Derived += other.Derived;
    }
}

/// <summary>Where a token rollup row belongs: model "" for events without a model name; judge for evaluation events.</summary>
public readonly record struct TokenKey(long RunId, long Width, long Bucket, string Model, bool Judge);

