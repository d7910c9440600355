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

    /// <summary>Folds one event's counts; false (nothing folded) when it has none of the three.</summary>
    public bool AddEvent(double? prompt, double? completion, double? total)
    {
        if (prompt is null && completion is null && total is null)
        {
            return false;
        }
        var t = total ?? (prompt ?? 0) + (completion ?? 0);
        Prompt += (long)(prompt ?? 0);
        Completion += (long)(completion ?? 0);
        Total += (long)t;
        TotalValue += t;
        Events++;
        Derived += total is null ? 1 : 0;
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

/// <summary>
/// Collects one event's token points per model while the writer stores them, then folds them into the accumulator.
/// An event is a judge's when it holds an evaluation time and no generation time (the rule the run page used when it
/// regrouped raw token points by timestamp).
/// </summary>
public sealed class EventTokens
{
    private readonly Dictionary<string, (long Ts, double?[] Counts)> _byModel = new(StringComparer.Ordinal);
    private bool _generation;
    private bool _evaluation;

    public void Clear()
    {
        _byModel.Clear();
        _generation = _evaluation = false;
    }

    /// <summary>One stored finite point of the event (points that are neither token counts nor times are ignored).</summary>
    public void Add(string name, long ts, double value, string? model)
    {
        var slot = name switch
        {
            MetricNames.PromptTokens => 0,
            MetricNames.CompletionTokens => 1,
            MetricNames.TotalTokens => 2,
            _ => -1,
        };
        if (slot >= 0)
        {
            model ??= "";
            if (!_byModel.TryGetValue(model, out var entry))
            {
                _byModel[model] = entry = (ts, new double?[3]);
            }
            entry.Counts[slot] = value;
        }
        else if (name == MetricNames.GenerationTime)
        {
            _generation = true;
        }
        else if (name == MetricNames.EvaluationTime)
        {
            _evaluation = true;
        }
    }

    public void FoldInto(RollupAccumulator rollups, long runId)
    {
        foreach (var (model, (ts, c)) in _byModel)
        {
            rollups.AddTokens(runId, ts, model, _evaluation && !_generation, c[0], c[1], c[2]);
        }
    }
}
