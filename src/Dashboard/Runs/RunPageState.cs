using System.Runtime.InteropServices;

namespace Dashboard.Runs;

/// <summary>
/// Everything the run page draws for one range, kept incrementally: time buckets, counts, token sums and
/// distributions. The first view fills it from storage (<see cref="RunPageLoader"/>); afterwards each committed
/// event is folded in with <see cref="AddEvent"/>, so a live update costs work in proportion to the new points.
/// </summary>
public sealed class RunPageState
{
    private const string ScorePrefix = "evaluation_score_";
    private readonly SortedDictionary<long, RunBucket> _buckets = [];
    private readonly Dictionary<string, string> _suffixes = new(StringComparer.Ordinal);
    private RunBucket? _last;
    private long _lastKey;

    public RunPageState(long fromMicros, long toMicros, long widthMicros)
    {
        From = fromMicros;
        To = toMicros;
        Width = widthMicros;
    }

    public long From { get; }
    public long To { get; }
    public long Width { get; private set; }
    public long FirstTs { get; private set; } = long.MaxValue;
    public long LastTs { get; private set; } = long.MinValue;

    public long Generations { get; private set; }
    public long Failures { get; private set; }
    public long Evaluations { get; private set; }
    public long Predictions { get; private set; }
    public long PipelineExecutions { get; private set; }

    /// <summary>Pipeline executions whose pipeline_success was 0.</summary>
    public long PipelineFailures { get; private set; }

    /// <summary>prediction_error events (a failed prediction records no confidence).</summary>
    public long PredictionErrors { get; private set; }

    /// <summary>Sum of prediction_confidence, for the mean.</summary>
    public double ConfidenceSum { get; private set; }
    public ValueHistogram GenerationTime { get; } = new();
    public ValueHistogram EvaluationTime { get; } = new();
    public ValueHistogram ConversationLength { get; } = new();
    public Dictionary<string, TokenSums> GenerationTokens { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, TokenSums> JudgeTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>Generations whose total_token_count was missing and was derived as prompt + completion.</summary>
    public long DerivedTotals { get; private set; }

    /// <summary>Judge (evaluation) events whose total was derived the same way.</summary>
    public long DerivedJudgeTotals { get; private set; }

    public Dictionary<string, long> ModelUsage { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> FinishReasons { get; } = new(StringComparer.Ordinal);
    public SortedSet<string> Scores { get; } = new(StringComparer.Ordinal);
    public SortedSet<string> CustomMetrics { get; } = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<long, RunBucket> Buckets => _buckets;

    public bool InRange(long ts) => ts >= From && ts <= To;

    /// <summary>One point of any metric but the token counts (those come per event, <see cref="AddTokens"/>).</summary>
    public void AddPoint(string name, long ts, double value)
    {
        if (!InRange(ts) || !double.IsFinite(value))
        {
            return;
        }
        FirstTs = Math.Min(FirstTs, ts);
        LastTs = Math.Max(LastTs, ts);
        Fold(name, ts, 1, value, value < 0.5 ? 1 : 0, null, value);
    }

    /// <summary>
    /// Many points of one metric at once, all inside this state's range and inside the bucket starting at
    /// <paramref name="bucketStart"/> (a rollup's cell): the same as adding each point. <paramref name="belowHalf"/> is how
    /// many of them are below 0.5 (failed generations, for success_rate). The time extent comes apart: <see cref="Cover"/>.
    /// </summary>
    public void AddBucket(string name, long bucketStart, Storage.Rollups.RollupCell cell, long belowHalf)
    {
        if (cell.Count > 0)
        {
            Fold(name, bucketStart, cell.Count, cell.Sum, belowHalf, cell.Sketch, 0);
        }
    }

    /// <summary>Widens the time extent to hold points at <paramref name="first"/> and <paramref name="last"/>.</summary>
    public void Cover(long first, long last)
    {
        FirstTs = Math.Min(FirstTs, first);
        LastTs = Math.Max(LastTs, last);
    }

    /// <summary>
    /// Folds <paramref name="n"/> points of one metric at <paramref name="ts"/>'s bucket: their sum, how many are below 0.5
    /// and their distribution (<paramref name="sketch"/>, or the single <paramref name="value"/> when it is null).
    /// </summary>
    private void Fold(string name, long ts, long n, double sum, long belowHalf, QuantileSketch? sketch, double value)
    {
        switch (name)
        {
            case MetricNames.SuccessRate:
                var b = Bucket(ts);
                b.Generations += n;
                b.Events += n;
                Generations += n;
                b.Failures += belowHalf;
                Failures += belowHalf;
                return;
            case MetricNames.GenerationTime:
                var latency = Bucket(ts).Latency;
                if (sketch is null)
                {
                    var magnitude = Math.Abs(value);
                    var index = magnitude >= QuantileSketch.MinIndexable ? QuantileSketch.IndexOf(magnitude) : 0;
                    latency.Add(value, index);
                    GenerationTime.Add(value, index);
                }
                else
                {
                    latency.Merge(sketch);
                    GenerationTime.Merge(sketch);
                }
                return;
            case MetricNames.EvaluationTime:
                var e = Bucket(ts);
                e.Evaluations += n;
                e.Events += n;
                Evaluations += n;
                AddTo(EvaluationTime, sketch, value);
                return;
            case "conversation_length":
                AddTo(ConversationLength, sketch, value);
                return;
            case MetricNames.PredictionConfidence:
                Bucket(ts).Events += n;
                Predictions += n;
                ConfidenceSum += sum;
                return;
            case MetricNames.PredictionError:
                Bucket(ts).Events += n;
                PredictionErrors += n;
                return;
            case MetricNames.PipelineSuccess:
                PipelineFailures += belowHalf;
                return;
            case MetricNames.PipelineExecutionTime:
                Bucket(ts).Events += n;
                PipelineExecutions += n;
                return;
            case MetricNames.ErrorRate or MetricNames.EvaluationErrorRate or MetricNames.PredictionProcessingTime:
                return;
        }
        if (name.StartsWith(ScorePrefix, StringComparison.Ordinal))
        {
            var score = Suffix(name, ScorePrefix.Length);
            Scores.Add(score);
            ref var cell = ref CollectionsMarshal.GetValueRefOrAddDefault(Bucket(ts).Scores, score, out _);
            cell = (cell.Sum + sum, cell.Count + n);
        }
        else if (name.StartsWith("model_usage:", StringComparison.Ordinal))
        {
            CollectionsMarshal.GetValueRefOrAddDefault(ModelUsage, Suffix(name, "model_usage:".Length), out _) += n;
        }
        else if (name.StartsWith("finish_reason:", StringComparison.Ordinal))
        {
            CollectionsMarshal.GetValueRefOrAddDefault(FinishReasons, Suffix(name, "finish_reason:".Length), out _) += n;
        }
        else
        {
            CustomMetrics.Add(name);
        }
    }

    /// <summary>The part of a metric name after its prefix, cut once per name rather than allocated per point.</summary>
    private string Suffix(string name, int prefix)
    {
        ref var cut = ref CollectionsMarshal.GetValueRefOrAddDefault(_suffixes, name, out var known);
        if (!known)
        {
            cut = name[prefix..];
        }
        return cut!;
    }

    private static void AddTo(ValueHistogram histogram, QuantileSketch? sketch, double value)
    {
        if (sketch is null)
        {
            histogram.Add(value);
        }
        else
        {
            histogram.Merge(sketch);
        }
    }

    /// <summary>The token counts of one event (any may be missing); a missing total is prompt + completion.</summary>
    public void AddTokens(long ts, string? model, double? prompt, double? completion, double? total, bool judge)
    {
        if (!InRange(ts) || (prompt is null && completion is null && total is null))
        {
            return;
        }
        model = string.IsNullOrEmpty(model) ? "unknown" : model;
        var derived = total is null && (prompt is not null || completion is not null);
        var t = total ?? (prompt ?? 0) + (completion ?? 0);
        ref var mine = ref CollectionsMarshal.GetValueRefOrAddDefault(judge ? JudgeTokens : GenerationTokens, model, out _);
        mine = new TokenSums(mine.Prompt + (long)(prompt ?? 0), mine.Completion + (long)(completion ?? 0), mine.Total + (long)t, mine.Events + 1);
        if (judge && derived)
        {
            DerivedJudgeTotals++;
        }
        if (!judge)
        {
            if (derived)
            {
                DerivedTotals++;
            }
            CollectionsMarshal.GetValueRefOrAddDefault(Bucket(ts).TokensByModel, model, out _) += t;
        }
    }

    /// <summary>
    /// Many token events of one model and kind inside the bucket starting at <paramref name="bucketStart"/> (a token
    /// rollup's cell, folded per event exactly as <see cref="AddTokens"/> folds one): the same as adding each event.
    /// </summary>
    public void AddTokenBucket(long bucketStart, string model, bool judge, Storage.Rollups.TokenCell cell)
    {
        if (cell.Events == 0)
        {
            return;
        }
        model = string.IsNullOrEmpty(model) ? "unknown" : model;
        var sums = judge ? JudgeTokens : GenerationTokens;
        var mine = sums.GetValueOrDefault(model);
        sums[model] = new TokenSums(mine.Prompt + cell.Prompt, mine.Completion + cell.Completion, mine.Total + cell.Total, mine.Events + cell.Events);
        if (judge)
        {
            DerivedJudgeTotals += cell.Derived;
            return;
        }
        DerivedTotals += cell.Derived;
        var b = Bucket(bucketStart).TokensByModel;
        b[model] = b.GetValueOrDefault(model) + cell.TotalValue;
    }

    /// <summary>Folds one committed event: its points and, once per model, its token counts.</summary>
    public void AddEvent(ExpandedEvent e)
    {
        double? prompt = null, completion = null, total = null;
        string? model = null;
        foreach (var p in e.Points)
        {
            switch (p.Name)
            {
                case MetricNames.PromptTokens: prompt = p.Value; model = p.ModelName; break;
                case MetricNames.CompletionTokens: completion = p.Value; model = p.ModelName; break;
                case MetricNames.TotalTokens: total = p.Value; model = p.ModelName; break;
                default: AddPoint(p.Name, p.Timestamp, p.Value); break;
            }
        }
        AddTokens(e.Timestamp, model, prompt, completion, total, judge: e.Type == "evaluation");
    }

    private RunBucket Bucket(long ts)
    {
        // Live points arrive in time order, so nearly every point falls in the bucket of the one before: one compare
        // instead of a sorted-dictionary search (several per event, 100,000 points/s on a busy run).
        if (_last is { } last && ts >= _lastKey && ts - _lastKey < Width)
        {
            return last;
        }
        var key = ts - Mod(ts, Width);
        if (!_buckets.TryGetValue(key, out var b))
        {
            _buckets[key] = b = new RunBucket();
            if (_buckets.Count > BucketWidth.Target * 2)
            {
                Coarsen();
                return Bucket(ts);
            }
        }
        (_last, _lastKey) = (b, key);
        return b;
    }

    /// <summary>
    /// A copy that shares nothing mutable with this state: what pages render while the live fold goes on folding into
    /// the original on another thread (<see cref="RunLiveFold"/>). Costs work per bucket and distinct key, not per point.
    /// </summary>
    public RunPageState Clone()
    {
        var c = new RunPageState(From, To, Width)
        {
            FirstTs = FirstTs, LastTs = LastTs, Generations = Generations, Failures = Failures, Evaluations = Evaluations,
            Predictions = Predictions, PipelineExecutions = PipelineExecutions, PipelineFailures = PipelineFailures,
            PredictionErrors = PredictionErrors, ConfidenceSum = ConfidenceSum, DerivedTotals = DerivedTotals,
            DerivedJudgeTotals = DerivedJudgeTotals,
        };
        c.GenerationTime.Merge(GenerationTime);
        c.EvaluationTime.Merge(EvaluationTime);
        c.ConversationLength.Merge(ConversationLength);
        foreach (var (k, v) in GenerationTokens)
        {
            c.GenerationTokens[k] = v;
        }
        foreach (var (k, v) in JudgeTokens)
        {
            c.JudgeTokens[k] = v;
        }
        foreach (var (k, v) in ModelUsage)
        {
            c.ModelUsage[k] = v;
        }
        foreach (var (k, v) in FinishReasons)
        {
            c.FinishReasons[k] = v;
        }
        c.Scores.UnionWith(Scores);
        c.CustomMetrics.UnionWith(CustomMetrics);
        foreach (var (k, b) in _buckets)
        {
            var copy = new RunBucket();
            copy.Merge(b);
            c._buckets[k] = copy;
        }
        return c;
    }

    /// <summary>A live "all" range outgrew its buckets: move to the next width, merging (sketches merge exactly).</summary>
    private void Coarsen()
    {
        var span = Math.Max(LastTs - FirstTs, Width * BucketWidth.Target * 2);
        var width = BucketWidth.For(span);
        Width = width == Width ? Width * 2 : width;
        var old = _buckets.ToList();
        _buckets.Clear();
        _last = null;
        foreach (var (key, bucket) in old)
        {
            var k = key - Mod(key, Width);
            if (_buckets.TryGetValue(k, out var into))
            {
                into.Merge(bucket);
            }
            else
            {
                _buckets[k] = bucket;
            }
        }
    }

    private static long Mod(long a, long m) => ((a % m) + m) % m;
}

public readonly record struct TokenSums(long Prompt, long Completion, long Total, long Events);
