using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Dashboard.Alerts;

/// <summary>
/// Reads committed points for the evaluator: one grouped query per distinct window for every mean-based
/// rule, and one query per prediction label, pipeline and custom rule. Only runs with a point inside the
/// window are looked at (runs.last_ts), so idle runs cost nothing. CROSS JOIN keeps runs as the outer
/// loop, so each run's points are found through (run_id, metric_id, ts) instead of scanning all history.
/// </summary>
public sealed class AlertQueries(SqliteConnectionFactory connections)
{
    internal static readonly string[] WindowMetrics =
    [
        "success_rate", "generation_time", "prompt_token_count", "completion_token_count", "total_token_count",
        "conversation_length", "prediction_processing_time", "prediction_confidence", "prediction_error",
    ];

    public List<AlertCondition> Collect(AlertSettings settings, long nowMicros)
    {
        using var c = connections.Open();
        var metrics = MetricIds(c);
        var runs = RunNames(c);
        var conditions = new List<AlertCondition>();
        var windows = settings.Rules
            .Where(r => r.Value.Enabled && BuiltInRules.Exists(r.Key) && BuiltInRules.Get(r.Key).Group is not ("Pipeline" or "Liveness" or "Budget"))
            .GroupBy(r => r.Value.WindowSeconds);
        foreach (var group in windows)
        {
            var from = nowMicros - group.Key * 1_000_000L;
            var aggregates = WindowAggregates(c, metrics, settings, from, nowMicros);
            var labels = group.Any(r => r.Key == BuiltInRules.PredictionAnomaly) && metrics.TryGetValue("prediction_confidence", out var conf)
                ? TopLabelShares(c, conf, from, nowMicros)
                : [];
            foreach (var (runId, byMetric) in aggregates)
            {
                if (!runs.TryGetValue(runId, out var run))
                {
                    continue;
                }
                foreach (var (key, rule) in group)
                {
                    if (RuleConditions.Evaluate(key, rule, run.Name, byMetric, (labels.TryGetValue(runId, out var share) ? share : null)) is { } condition)
                    {
                        conditions.Add(condition);
                    }
                }
            }
        }
        PipelineConditions(c, metrics, runs, settings, nowMicros, conditions);
        foreach (var custom in settings.CustomRules.Where(r => r.Enabled))
        {
            CustomConditions(c, metrics, custom, nowMicros, conditions);
        }
        StalledConditions(c, settings.Rule(BuiltInRules.RunStalled), nowMicros, conditions);
        return conditions;
    }

    /// <summary>Runs that carry a goal (run_goals) and received data since <paramref name="since"/>: the budget rules' candidates.</summary>
    public List<string> GoalRuns(long since)
    {
        using var c = connections.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT r.name FROM run_goals g JOIN runs r ON r.id = g.run_id WHERE r.last_received_at >= $since ORDER BY r.id";
        cmd.Parameters.AddWithValue("$since", since);
        using var r = cmd.ExecuteReader();
        var names = new List<string>();
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    /// <summary>
    /// Runs whose last batch arrived between window and window + 24 h ago (ix_runs_last_received_at): receive time, not
    /// event time, so an import of old events is not "silent since" its timestamps.
    /// </summary>
    private static void StalledConditions(SqliteConnection c, RuleSetting rule, long now, List<AlertCondition> conditions)
    {
        if (!rule.Enabled)
        {
            return;
        }
        var silentSince = now - rule.WindowSeconds * 1_000_000L;
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT name, event_count, last_received_at FROM runs
            WHERE last_received_at <= $silentSince AND last_received_at >= $oldest AND event_count >= $min
            """;
        cmd.Parameters.AddWithValue("$silentSince", silentSince);
        cmd.Parameters.AddWithValue("$oldest", silentSince - (long)BuiltInRules.StalledLookback.TotalMicroseconds);
        cmd.Parameters.AddWithValue("$min", rule.MinSamples ?? RuleDefaults.MinSamples);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            if (RuleConditions.Stalled(rule, r.GetString(0), r.GetInt64(1), r.GetInt64(2), now) is { } condition)
            {
                conditions.Add(condition);
            }
        }
    }

    private static Dictionary<long, Dictionary<string, WindowAggregate>> WindowAggregates(
        SqliteConnection c, Dictionary<string, long> metrics, AlertSettings settings, long from, long to)
    {
        var ids = WindowMetrics.Where(metrics.ContainsKey).ToDictionary(m => metrics[m]);
        var result = new Dictionary<long, Dictionary<string, WindowAggregate>>();
        if (ids.Count == 0)
        {
            return result;
        }
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"""
            SELECT p.run_id, p.metric_id, COUNT(*), SUM(p.value), SUM(p.value < $low), SUM(p.value > $high)
            FROM runs r CROSS JOIN points p ON p.run_id = r.id
            WHERE r.last_ts >= $from AND p.metric_id IN ({string.Join(",", ids.Keys)}) AND p.ts >= $from AND p.ts <= $to
            GROUP BY p.run_id, p.metric_id
            """;
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        // The anomaly score's shares use the confidence and processing-time warning thresholds.
        cmd.Parameters.AddWithValue("$low", settings.Rule(BuiltInRules.PredictionConfidence).Threshold);
        cmd.Parameters.AddWithValue("$high", settings.Rule(BuiltInRules.PredictionTime).Threshold);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var runId = r.GetInt64(0);
            if (!result.TryGetValue(runId, out var byMetric))
            {
                result[runId] = byMetric = [];
            }
            byMetric[ids[r.GetInt64(1)]] = new WindowAggregate(r.GetInt64(2), r.GetDouble(3), r.GetInt64(4), r.GetInt64(5));
        }
        return result;
    }

    /// <summary>Per run: the share of predictions carrying the most frequent label.</summary>
    private static Dictionary<long, double> TopLabelShares(SqliteConnection c, long confidenceId, long from, long to)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT run_id, MAX(n) * 1.0 / SUM(n) FROM (
                SELECT p.run_id, json_extract(p.metadata, '$.label') AS label, COUNT(*) AS n
                FROM runs r CROSS JOIN points p ON p.run_id = r.id
                WHERE r.last_ts >= $from AND p.metric_id = $m AND p.ts >= $from AND p.ts <= $to
                GROUP BY p.run_id, label)
            GROUP BY run_id
            """;
        cmd.Parameters.AddWithValue("$m", confidenceId);
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        using var r = cmd.ExecuteReader();
        var shares = new Dictionary<long, double>();
        while (r.Read())
        {
            shares[r.GetInt64(0)] = r.GetDouble(1);
        }
        return shares;
    }

    private static void PipelineConditions(SqliteConnection c, Dictionary<string, long> metrics, Dictionary<long, RunName> runs,
        AlertSettings settings, long now, List<AlertCondition> conditions)
    {
        var perf = settings.Rule(BuiltInRules.PipelinePerformance);
        if (perf.Enabled && settings.Baselines.Count > 0 && metrics.TryGetValue("pipeline_execution_time", out var timeId))
        {
            var baselines = settings.Baselines.ToDictionary(b => b.Pipeline, b => b.Seconds);
            var keep = Math.Max(1, perf.MinSamples ?? 1);
            foreach (var (runId, pipeline, rows) in RecentExecutions(c, timeId, now - perf.WindowSeconds * 1_000_000L, now, keep))
            {
                if (runs.TryGetValue(runId, out var run) && baselines.TryGetValue(pipeline, out var baseline)
                    && RuleConditions.PipelinePerformance(perf, run.Name, pipeline, rows, baseline) is { } condition)
                {
                    conditions.Add(condition);
                }
            }
        }
        var errors = settings.Rule(BuiltInRules.PipelineErrorRate);
        if (errors.Enabled && metrics.TryGetValue("pipeline_success", out var successId))
        {
            foreach (var (runId, pipeline, rows) in RecentExecutions(c, successId, now - errors.WindowSeconds * 1_000_000L, now, BuiltInRules.PipelineRecentExecutions))
            {
                if (runs.TryGetValue(runId, out var run) && RuleConditions.PipelineErrorRate(errors, run.Name, pipeline, rows) is { } condition)
                {
                    conditions.Add(condition);
                }
            }
        }
    }

    /// <summary>
    /// The newest <paramref name="keep"/> executions of each pipeline that ran inside the window, newest first
    /// (older executions of such a pipeline count too: "the last 20 executions").
    /// </summary>
    private static List<(long RunId, string Pipeline, List<double> Values)> RecentExecutions(
        SqliteConnection c, long metricId, long from, long to, int keep)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT run_id, pipeline, value, newest FROM (
                SELECT p.run_id, json_extract(p.metadata, '$.pipeline') AS pipeline, p.value,
                       ROW_NUMBER() OVER (PARTITION BY p.run_id, json_extract(p.metadata, '$.pipeline') ORDER BY p.ts DESC, p.rowid DESC) AS rn,
                       MAX(p.ts) OVER (PARTITION BY p.run_id, json_extract(p.metadata, '$.pipeline')) AS newest
                FROM runs r CROSS JOIN points p ON p.run_id = r.id
                WHERE r.last_ts >= $from AND p.metric_id = $m AND p.ts <= $to)
            WHERE rn <= $keep AND newest >= $from AND pipeline IS NOT NULL
            ORDER BY run_id, pipeline, rn
            """;
        cmd.Parameters.AddWithValue("$m", metricId);
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", to);
        cmd.Parameters.AddWithValue("$keep", keep);
        using var r = cmd.ExecuteReader();
        var list = new List<(long, string, List<double>)>();
        while (r.Read())
        {
            var runId = r.GetInt64(0);
            var pipeline = Convert.ToString(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture)!;
            if (list.Count == 0 || list[^1].Item1 != runId || list[^1].Item2 != pipeline)
            {
                list.Add((runId, pipeline, []));
            }
            list[^1].Item3.Add(r.GetDouble(2));
        }
        return list;
    }

    private static void CustomConditions(SqliteConnection c, Dictionary<string, long> metrics, CustomRule rule, long now, List<AlertCondition> conditions)
    {
        if (!metrics.TryGetValue(rule.Metric, out var metricId))
        {
            return;
        }
        var from = now - rule.WindowSeconds * 1_000_000L;
        using var cmd = c.CreateCommand();
        var scope = rule.Scope switch
        {
            "project" => " AND r.project = $scope",
            "run" => " AND r.name = $scope",
            _ => "",
        };
        cmd.CommandText = $"""
            SELECT r.name, p.value FROM runs r CROSS JOIN points p ON p.run_id = r.id
            WHERE r.last_ts >= $from{scope} AND p.metric_id = $m AND p.ts >= $from AND p.ts <= $to
            ORDER BY r.id, p.ts, p.rowid
            """;
        cmd.Parameters.AddWithValue("$m", metricId);
        cmd.Parameters.AddWithValue("$from", from);
        cmd.Parameters.AddWithValue("$to", now);
        cmd.Parameters.AddWithValue("$scope", rule.ScopeValue ?? "");
        using var r = cmd.ExecuteReader();
        string? run = null;
        var values = new List<double>();
        while (true)
        {
            var more = r.Read();
            var name = more ? r.GetString(0) : null;
            if (run is not null && name != run)
            {
                if (RuleConditions.Custom(rule, run, values) is { } condition)
                {
                    conditions.Add(condition);
                }
                values.Clear();
            }
            if (!more)
            {
                break;
            }
            run = name;
            values.Add(r.GetDouble(1));
        }
    }

    private static Dictionary<string, long> MetricIds(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, id FROM metric_names";
        using var r = cmd.ExecuteReader();
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        while (r.Read())
        {
            ids[r.GetString(0)] = r.GetInt64(1);
        }
        return ids;
    }

    private static Dictionary<long, RunName> RunNames(SqliteConnection c)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, name, project FROM runs";
        using var r = cmd.ExecuteReader();
        var runs = new Dictionary<long, RunName>();
        while (r.Read())
        {
            runs[r.GetInt64(0)] = new RunName(r.GetString(1), r.GetString(2));
        }
        return runs;
    }

    private sealed record RunName(string Name, string Project);
}
