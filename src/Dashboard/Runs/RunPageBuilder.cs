using System.Text.Json;
using Dashboard.Ingest;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dashboard.Runs;

/// <summary>Builds <see cref="RunPageData"/> from SQLite: one connection, index range scans per metric.</summary>
public sealed class RunPageBuilder(SqliteConnectionFactory connections, IMetricReader points)
{
    public const int SuccessRolling = 10;
    public const int TokenRolling = 10;
    public const int EvaluationRolling = 5;
    public const int FeedbackCount = 10;
    private const string ScorePrefix = "evaluation_score_";

    public RunPageData? Build(string run, RunRange range)
    {
        using var c = connections.Open();
        var head = ReadRun(c, run);
        if (head is null)
        {
            return null;
        }
        var (runId, project, lastTs) = head.Value;
        var metrics = points.GetMetrics(runId).Select(m => m.Name).ToList();
        long from = range.FromMicros, to = range.ToMicros;

        var success = Read(c, runId, "success_rate", from, to);
        var rollingSuccess = SeriesMath.RollingMean(success.Values, SuccessRolling);
        var successSum = success.Values.Sum();
        var generations = new GenerationSummary(success.Count, (long)Math.Round(success.Count - successSum),
            success.Count > 0 ? successSum / success.Count : null,
            success.Count > 0 ? 1 - successSum / success.Count : null);
        IReadOnlyList<LineSeries> successSeries = success.Count == 0 ? [] :
        [
            new("success_rate", $"Success rate (rolling mean of {SuccessRolling})", SeriesMath.Decimate(success.Times, rollingSuccess), success.Count),
            new("failure_share", $"Failure share (failed / generations, rolling {SuccessRolling})",
                SeriesMath.Decimate(success.Times, rollingSuccess.Select(v => 1 - v).ToArray()), success.Count),
        ];

        var tokenSeries = new List<LineSeries>();
        var tokenSums = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        var slot = 0;
        foreach (var (name, label) in new[] { ("prompt_token_count", "Prompt"), ("completion_token_count", "Completion"), ("total_token_count", "Total") })
        {
            var t = Read(c, runId, name, from, to, tokenSums, slot++);
            if (t.Count > 0)
            {
                tokenSeries.Add(new LineSeries(name, $"{label} tokens (rolling {TokenRolling})",
                    SeriesMath.Decimate(t.Times, SeriesMath.RollingMean(t.Values, TokenRolling)), t.Count));
            }
        }

        var evaluationSeries = new List<LineSeries>();
        foreach (var name in metrics.Where(m => m.StartsWith(ScorePrefix, StringComparison.Ordinal)))
        {
            var s = Read(c, runId, name, from, to);
            if (s.Count > 0)
            {
                evaluationSeries.Add(new LineSeries(name, name[ScorePrefix.Length..] + $" (rolling {EvaluationRolling})",
                    SeriesMath.Decimate(s.Times, SeriesMath.RollingMean(s.Values, EvaluationRolling)), s.Count));
            }
        }

        return new RunPageData(run, project, range.Text, range.From, range.To,
            lastTs is { } l ? Timestamps.FromMicros(l) : null,
            generations, successSeries,
            Distribution(c, runId, "generation_time", from, to),
            tokenSeries,
            TokenUsage(tokenSums),
            Counts(c, runId, metrics, "model_usage:", from, to),
            Counts(c, runId, metrics, "finish_reason:", from, to),
            evaluationSeries,
            Distribution(c, runId, "evaluation_time", from, to),
            GetFeedback(c, runId, metrics, from, to),
            Distribution(c, runId, "conversation_length", from, to),
            metrics);
    }

    public long? GetRunId(string run) => points.GetRunId(run);

    /// <summary>Any metric as a rolling-mean line over its raw points, exactly as recorded.</summary>
    public RollingSeriesResponse? GetRolling(string run, string name, RunRange range, int rolling)
    {
        using var c = connections.Open();
        if (ReadRun(c, run) is not { } head)
        {
            return null;
        }
        var s = Read(c, head.RunId, name, range.FromMicros, range.ToMicros);
        return new RollingSeriesResponse(name, range.Text, rolling, s.Count,
            SeriesMath.Decimate(s.Times, SeriesMath.RollingMean(s.Values, rolling)));
    }

    private static (long RunId, string Project, long? LastTs)? ReadRun(SqliteConnection c, string run)
    {
        using var cmd = SqliteCommands.Command(c, "SELECT id, project, last_ts FROM runs WHERE name = $run", ("$run", run));
        using var r = cmd.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2)) : null;
    }

    private DistributionData Distribution(SqliteConnection c, long runId, string name, long from, long to)
    {
        var s = Read(c, runId, name, from, to);
        return new DistributionData(name, MetricStats.From(s.Values), SeriesMath.Histogram(s.Values));
    }

    private RawPoints Read(SqliteConnection c, long runId, string name, long from, long to,
        SortedDictionary<string, long[]>? tokenSums = null, int slot = 0)
    {
        var raw = new RawPoints([], []);
        if (SqliteMetricReader.GetMetricId(c, name) is not { } metricId)
        {
            return raw;
        }
        Action<string?, double>? perModel = tokenSums is null ? null : (model, value) =>
        {
            // IMetricReader.GetTokenUsage's arithmetic: int() of each value, summed per model ("unknown" when none).
            model = string.IsNullOrEmpty(model) ? "unknown" : model;
            var sums = tokenSums.TryGetValue(model, out var s) ? s : tokenSums[model] = new long[3];
            sums[slot] += (long)value;
        };
        RunPointReader.Read(c, runId, metricId, from, to, raw.Times, raw.Values, perModel);
        return raw;
    }

    private List<NamedCount> Counts(SqliteConnection c, long runId, IReadOnlyList<string> metrics, string prefix, long from, long to)
    {
        var counts = new List<(string Name, long Count)>();
        foreach (var name in metrics.Where(m => m.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var metricId = SqliteMetricReader.GetMetricId(c, name);
            using var cmd = SqliteCommands.Command(c,
                "SELECT COUNT(*) FROM points WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to",
                ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to));
            var n = (long)cmd.ExecuteScalar()!;
            if (n > 0)
            {
                counts.Add((name[prefix.Length..], n));
            }
        }
        var total = counts.Sum(x => x.Count);
        return counts.OrderByDescending(x => x.Count).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => new NamedCount(x.Name, x.Count, (double)x.Count / total)).ToList();
    }

    private static TokenUsageReport TokenUsage(SortedDictionary<string, long[]> byModel)
    {
        var models = byModel.Select(m => new ModelTokenUsage(m.Key, m.Value[0], m.Value[1], m.Value[2])).ToList();
        return new TokenUsageReport(models, models.Sum(m => m.PromptTokens), models.Sum(m => m.CompletionTokens), models.Sum(m => m.TotalTokens));
    }

    private List<JudgeFeedback> GetFeedback(SqliteConnection c, long runId, IReadOnlyList<string> metrics, long from, long to)
    {
        var list = new List<JudgeFeedback>();
        foreach (var name in metrics.Where(m => m.StartsWith(ScorePrefix, StringComparison.Ordinal)))
        {
            var metricId = SqliteMetricReader.GetMetricId(c, name);
            using var cmd = SqliteCommands.Command(c, """
                SELECT ts, value, metadata FROM points
                WHERE run_id = $r AND metric_id = $m AND ts >= $from AND ts <= $to AND metadata LIKE '%"feedback"%'
                ORDER BY ts DESC LIMIT $n
                """, ("$r", runId), ("$m", metricId), ("$from", from), ("$to", to), ("$n", FeedbackCount));
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var (evaluator, text) = ReadFeedback(r.GetString(2));
                if (!string.IsNullOrWhiteSpace(text))
                {
                    list.Add(new JudgeFeedback(Timestamps.FromMicros(r.GetInt64(0)), name[ScorePrefix.Length..], r.GetDouble(1), evaluator, text));
                }
            }
        }
        return list.OrderByDescending(f => f.Timestamp).Take(FeedbackCount).ToList();
    }

    private static (string? Evaluator, string? Text) ReadFeedback(string metadata)
    {
        try
        {
            using var doc = JsonDocument.Parse(metadata);
            var root = doc.RootElement;
            string? Get(string key) => root.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (Get("evaluator_type"), Get("feedback"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private sealed record RawPoints(List<long> Times, List<double> Values)
    {
        public int Count => Values.Count;
    }
}
