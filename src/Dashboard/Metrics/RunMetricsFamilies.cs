namespace Dashboard.Metrics;

/// <summary>Writes the per-run families; each family's samples over every run, since the format wants a family's lines together.</summary>
internal static class RunMetricsFamilies
{
    private static readonly string[] GenerationLe = PrometheusTextWriter.Bounds(RunMetricsFolder.GenerationBuckets);

    public static void Write(PrometheusTextWriter w, IReadOnlyCollection<RunSeries> runs, IReadOnlyDictionary<string, long> folded)
    {
        w.Family("dashboard_generation_duration_seconds", "histogram", "Generation time per run and model, from generation events' duration.");
        foreach (var run in runs)
        {
            foreach (var s in run.Models.Values)
            {
                if (s.DurationCount > 0)
                {
                    w.Histogram("dashboard_generation_duration_seconds", s.Labels, GenerationLe, s.Buckets, s.DurationSum, s.DurationCount);
                }
            }
        }

        w.Family("dashboard_generations_total", "counter", "Generations per run and model (success_rate points).");
        ForEachModel(runs, s => w.Sample("dashboard_generations_total", s.Labels, s.Generations));

        w.Family("dashboard_generation_failures_total", "counter", "Failed generations per run and model (success false).");
        ForEachModel(runs, s => w.Sample("dashboard_generation_failures_total", s.Labels, s.Failures));

        w.Family("dashboard_tokens_total", "counter",
            "Tokens per run, model and type (prompt, completion, total as the generator reported them, and any other *_token_count).");
        foreach (var run in runs)
        {
            foreach (var s in run.Models.Values)
            {
                foreach (var tokens in s.Tokens.Values)
                {
                    w.Sample("dashboard_tokens_total", tokens.Labels, tokens.Value);
                }
            }
        }

        w.Family("dashboard_evaluations_total", "counter", "Evaluations per run (evaluation events).");
        foreach (var run in runs)
        {
            if (run.Evaluations > 0)
            {
                w.Sample("dashboard_evaluations_total", run.Labels, run.Evaluations);
            }
        }

        w.Family("dashboard_evaluation_score", "summary", "Evaluation scores per run and score name: _sum and _count (mean = _sum / _count).");
        foreach (var run in runs)
        {
            foreach (var s in run.Scores.Values)
            {
                w.Sample("dashboard_evaluation_score_sum", s.Labels, s.Sum);
                w.Sample("dashboard_evaluation_score_count", s.Labels, s.Count);
            }
        }

        w.Family("dashboard_metrics_folded_total", "counter",
            "Events (label run) or points (label model, score) exported under \"(other)\" because Metrics:MaxRuns or Metrics:MaxModelsPerRun was reached.");
        foreach (var (label, count) in folded)
        {
            w.Sample("dashboard_metrics_folded_total", [new("label", label)], count);
        }
    }

    private static void ForEachModel(IReadOnlyCollection<RunSeries> runs, Action<ModelSeries> write)
    {
        foreach (var run in runs)
        {
            foreach (var s in run.Models.Values)
            {
                if (s.Generations > 0)
                {
                    write(s);
                }
            }
        }
    }
}
