namespace Dashboard.Storage.Rollups;

/// <summary>
/// What is stored at one run and time for the token rollups: the token counts per model name ("" for none; the largest
/// value when one is sent twice) and whether a generation or evaluation time is there. One token event per model.
/// </summary>
public sealed class TokenTimeState
{
    public Dictionary<string, double?[]> Models { get; } = new(StringComparer.Ordinal);
    public bool Generation { get; set; }
    public bool Evaluation { get; set; }

    /// <summary>An event is a judge's when its time holds an evaluation time and no generation time.</summary>
    public bool Judge => Evaluation && !Generation;

    public TokenTimeState Clone()
    {
        var copy = new TokenTimeState { Generation = Generation, Evaluation = Evaluation };
        foreach (var (model, counts) in Models)
        {
            copy.Models[model] = (double?[])counts.Clone();
        }
        return copy;
    }

    /// <summary>One finite point; points of other metrics are ignored (<see cref="TokenEventTracker.Tracks"/>).</summary>
    public void Add(string name, double value, string? model)
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
            if (!Models.TryGetValue(model, out var counts))
            {
                Models[model] = counts = new double?[3];
            }
            counts[slot] = counts[slot] is { } old ? Math.Max(old, value) : value;
        }
        else if (name == MetricNames.GenerationTime)
        {
            Generation = true;
        }
        else if (name == MetricNames.EvaluationTime)
        {
            Evaluation = true;
        }
    }

    public void FoldInto(RollupAccumulator rollups, long runId, long ts, int sign)
    {
        foreach (var (model, c) in Models)
        {
            rollups.AddTokens(runId, ts, model, Judge, c[0], c[1], c[2], sign);
        }
    }
}

/// <summary>
/// Keeps token rollups right when one event's token counts and times arrive as separate events (afterimage writes one
/// line per metric, so prompt, completion, total and evaluation time of one record are separate events, maybe in
/// separate batches): per transaction, each touched (run, time) takes back what it contributed before and adds what it
/// contributes now. The state before comes from recent commits kept in memory, is empty for a time later than anything
/// the run stored, and is read from storage otherwise (a late or replayed point). Reset after a rollback or maintenance.
/// </summary>
public sealed class TokenEventTracker
{
    /// <summary>Committed states kept for times that may be touched again; beyond this they are dropped (and read back if needed).</summary>
    private const int MaxRecent = 50_000;

    private readonly Dictionary<(long Run, long Ts), TokenTimeState> _recent = [];
    private readonly Dictionary<long, long> _runLatest = [];
    private readonly Dictionary<(long Run, long Ts), (TokenTimeState Before, TokenTimeState After)> _touched = [];

    public static bool Tracks(string name) => name is MetricNames.PromptTokens or MetricNames.CompletionTokens or MetricNames.TotalTokens
        or MetricNames.GenerationTime or MetricNames.EvaluationTime;

    /// <summary>
    /// One stored finite point of a tracked metric, given before it is inserted. <paramref name="latest"/> gives the
    /// latest time of a tracked point the run has stored (long.MinValue when none), <paramref name="stored"/> the state
    /// stored at a run and time.
    /// </summary>
    public void Add(long runId, long ts, string name, double value, string? model, Func<long, long> latest, Func<long, long, TokenTimeState> stored)
    {
        var key = (runId, ts);
        if (!_touched.TryGetValue(key, out var entry))
        {
            if (!_runLatest.TryGetValue(runId, out var last))
            {
                _runLatest[runId] = last = latest(runId);
            }
            var before = _recent.TryGetValue(key, out var known) ? known : ts > last ? new TokenTimeState() : stored(runId, ts);
            _touched[key] = entry = (before, before.Clone());
        }
        entry.After.Add(name, value, model);
    }

    /// <summary>The transaction's changes, as rollup deltas.</summary>
    public void FoldInto(RollupAccumulator rollups)
    {
        foreach (var ((runId, ts), (before, after)) in _touched)
        {
            before.FoldInto(rollups, runId, ts, -1);
            after.FoldInto(rollups, runId, ts, 1);
        }
    }

    /// <summary>The transaction committed: its states become the known ones.</summary>
    public void Committed()
    {
        if (_recent.Count + _touched.Count > MaxRecent)
        {
            _recent.Clear();
        }
        foreach (var ((runId, ts), (_, after)) in _touched)
        {
            _recent[(runId, ts)] = after;
            _runLatest[runId] = Math.Max(_runLatest[runId], ts);
        }
        _touched.Clear();
    }

    /// <summary>Forgets what it knows of one run (another writer changed it): its times are read from storage again.</summary>
    public void Forget(long runId)
    {
        _runLatest.Remove(runId);
        foreach (var key in _recent.Keys.Where(k => k.Run == runId).ToList())
        {
            _recent.Remove(key);
        }
    }

    /// <summary>Forgets everything (a rolled-back transaction, or rows deleted behind the tracker).</summary>
    public void Reset()
    {
        _recent.Clear();
        _runLatest.Clear();
        _touched.Clear();
    }
}
