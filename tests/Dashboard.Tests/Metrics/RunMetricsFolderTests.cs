using System.Text;
using Dashboard.Ingest;
using Dashboard.Metrics;
using Dashboard.Persistence;
using FluentAssertions;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Metrics;

public sealed class RunMetricsFolderTests
{
    [Fact]
    public void Fold_GenerationEvents_ExportsHistogramCountersAndTokensPerModel()
    {
        var folder = new RunMetricsFolder(Options.Create(new MetricsOptions()));

        folder.Fold(Batch("r1", Generation(0.3, true, "gpt-4o", 200, 100), Generation(4, false, "gpt-4o", 50, 0), Generation(1, true, null, 10, 5)));
        var text = Scrape(folder);

        text.Should().Contain("dashboard_generation_duration_seconds_bucket{run=\"r1\",model=\"gpt-4o\",le=\"0.25\"} 0\n");
        text.Should().Contain("dashboard_generation_duration_seconds_bucket{run=\"r1\",model=\"gpt-4o\",le=\"0.5\"} 1\n");
        text.Should().Contain("dashboard_generation_duration_seconds_bucket{run=\"r1\",model=\"gpt-4o\",le=\"5\"} 2\n");
        text.Should().Contain("dashboard_generation_duration_seconds_sum{run=\"r1\",model=\"gpt-4o\"} 4.3\n");
        text.Should().Contain("dashboard_generation_duration_seconds_count{run=\"r1\",model=\"unknown\"} 1\n");
        text.Should().Contain("dashboard_generations_total{run=\"r1\",model=\"gpt-4o\"} 2\n");
        text.Should().Contain("dashboard_generation_failures_total{run=\"r1\",model=\"gpt-4o\"} 1\n");
        text.Should().Contain("dashboard_generation_failures_total{run=\"r1\",model=\"unknown\"} 0\n");
        text.Should().Contain("dashboard_tokens_total{run=\"r1\",model=\"gpt-4o\",type=\"prompt\"} 250\n");
        text.Should().Contain("dashboard_tokens_total{run=\"r1\",model=\"gpt-4o\",type=\"completion\"} 100\n");
    }

    [Fact]
    public void Fold_EvaluationScores_ExportsSumAndCountPerScoreName()
    {
        var folder = new RunMetricsFolder(Options.Create(new MetricsOptions()));
        var e1 = Event(("evaluation_time", 1, null), ("evaluation_score_coherence", 0.8, null));
        var e2 = Event(("evaluation_time", 1, null), ("evaluation_score_coherence", 0.6, null));

        folder.Fold(Batch("r1", e1, e2));
        var text = Scrape(folder);

        text.Should().Contain("dashboard_evaluations_total{run=\"r1\"} 2\n");
        text.Should().Contain("dashboard_evaluation_score_sum{run=\"r1\",score=\"coherence\"} 1.4\n");
        text.Should().Contain("dashboard_evaluation_score_count{run=\"r1\",score=\"coherence\"} 2\n");
    }

    [Fact]
    public void Fold_RunsBeyondCap_AreFoldedIntoOtherAndCounted()
    {
        var folder = new RunMetricsFolder(Options.Create(new MetricsOptions { MaxRuns = 2 }));

        foreach (var run in new[] { "a", "b", "c", "d", "a" })
        {
            folder.Fold(Batch(run, Generation(1, true, "m", 1, 1)));
        }
        var text = Scrape(folder);

        text.Should().Contain("dashboard_generations_total{run=\"a\",model=\"m\"} 2\n");
        text.Should().Contain("dashboard_generations_total{run=\"b\",model=\"m\"} 1\n");
        text.Should().Contain("dashboard_generations_total{run=\"(other)\",model=\"m\"} 2\n");
        text.Should().NotContain("run=\"c\"").And.NotContain("run=\"d\"");
        text.Should().Contain("dashboard_metrics_folded_total{label=\"run\"} 2\n");
    }

    [Fact]
    public void Fold_ModelsBeyondCap_AreFoldedIntoOther()
    {
        var folder = new RunMetricsFolder(Options.Create(new MetricsOptions { MaxModelsPerRun = 1 }));

        folder.Fold(Batch("r", Generation(1, true, "m1", 1, 1), Generation(1, true, "m2", 1, 1), Generation(1, true, "m3", 1, 1)));
        var text = Scrape(folder);

        text.Should().Contain("dashboard_generations_total{run=\"r\",model=\"m1\"} 1\n");
        text.Should().Contain("dashboard_generations_total{run=\"r\",model=\"(other)\"} 2\n");
        text.Should().NotContain("m2");
    }

    [Fact]
    public void Fold_OddRunAndModelNames_AreEscapedInLabels()
    {
        var folder = new RunMetricsFolder(Options.Create(new MetricsOptions()));

        folder.Fold(Batch("we\"ird\\run\nname", Generation(1, true, "mo\"del", 1, 1)));
        var text = Scrape(folder);

        text.Should().Contain("dashboard_generations_total{run=\"we\\\"ird\\\\run\\nname\",model=\"mo\\\"del\"} 1\n");
    }

    [Fact]
    public void Forget_DeletedRun_IsNoLongerExported()
    {
        var folder = new RunMetricsFolder(Options.Create(new MetricsOptions()));
        folder.Fold(Batch("gone", Generation(1, true, "m", 1, 1)));

        folder.Forget("gone");

        Scrape(folder).Should().NotContain("gone");
    }

    private static string Scrape(RunMetricsFolder folder)
    {
        var text = new StringBuilder();
        folder.WriteTo(new PrometheusTextWriter(text));
        return text.ToString();
    }

    private static CommittedBatch Batch(string run, params ExpandedEvent[] events)
    {
        var committed = new CommittedRun(run, "default", false);
        committed.AcceptedEvents.AddRange(events);
        return new CommittedBatch([committed]);
    }

    private static ExpandedEvent Generation(double seconds, bool success, string? model, double prompt, double completion)
    {
        var points = new List<(string, double, string?)> { ("generation_time", seconds, null), ("success_rate", success ? 1 : 0, null) };
        if (model is not null)
        {
            points.Add(($"model_usage:{model}", 1, null));
        }
        points.Add(("prompt_token_count", prompt, model));
        points.Add(("completion_token_count", completion, model));
        return Event([.. points]);
    }

    private static ExpandedEvent Event(params (string Name, double Value, string? Model)[] points)
    {
        var e = new ExpandedEvent { Id = null, Timestamp = 1, Type = "generation" };
        e.Points.AddRange(points.Select(p => new MetricPoint(p.Name, 1, p.Value, p.Model, null)));
        return e;
    }
}
