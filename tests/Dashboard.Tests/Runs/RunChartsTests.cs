using Dashboard.Components.Charts;
using Dashboard.Runs;

namespace Dashboard.Tests.Runs;

public sealed class RunChartsTests
{
    private const long Minute = 60_000_000;
    private static readonly long T0 = Timestamps.ToMicros(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Span_AllOfAFinishedRun_FramesTheRunNotTheDaysSince()
    {
        var state = new RunPageState(long.MinValue, long.MaxValue, BucketWidth.For(20 * Minute));
        state.AddPoint(MetricNames.GenerationTime, T0, 1.5);
        state.AddPoint(MetricNames.GenerationTime, T0 + 20 * Minute, 2.5);

        var span = RunCharts.Span(state, Timestamps.FromMicros(T0).AddDays(11));

        span.FromMs.Should().BeLessThanOrEqualTo(T0 / 1000d).And.BeGreaterThan((T0 - state.Width) / 1000d);
        span.ToMs.Should().BeGreaterThanOrEqualTo((T0 + 20 * Minute) / 1000d).And.BeLessThan((T0 + 20 * Minute + state.Width) / 1000d);
    }

    [Fact]
    public void Throughput_OneBucketInTheLastHour_OneBarOfTheFixedWidth()
    {
        var now = Timestamps.FromMicros(T0 + 60 * Minute);
        var state = new RunPageState(T0, long.MaxValue, BucketWidth.For(60 * Minute));
        state.AddPoint(MetricNames.SuccessRate, T0 + 59 * Minute, 1);
        state.AddPoint(MetricNames.SuccessRate, T0 + 59 * Minute, 0);

        var spec = RunCharts.Throughput(state, RunCharts.Span(state, now));
        var json = System.Text.Json.JsonDocument.Parse(ApexOptionsBuilder.ToJson(ApexOptionsBuilder.Build(spec, dark: false))).RootElement;

        spec.Series.Single().Points.Should().ContainSingle("no padding point: it drew a 3 px line and lost the axis labels");
        json.GetProperty("plotOptions").GetProperty("bar").GetProperty("columnWidth").GetString().Should().Be(ApexOptionsBuilder.LoneBarWidth);
    }

    [Fact]
    public void Latency_RunPausedForBuckets_LineBrokenAcrossThePauseNotDrawnThrough()
    {
        var state = new RunPageState(long.MinValue, long.MaxValue, Minute);
        foreach (var m in new[] { 0, 1, 5, 6 })
        {
            state.AddPoint(MetricNames.GenerationTime, T0 + m * Minute, 1 + m);
        }

        var p50 = RunCharts.Latency(state, RunCharts.Span(state, Timestamps.FromMicros(T0))).Series[0].Points;

        p50.Select(p => (p.X, p.Y)).Should().Equal(
            (T0 / 1000d, 1d), ((T0 + Minute) / 1000d, 2d),
            ((T0 + 2 * Minute) / 1000d, (double?)null),          // the bucket after the last one before the pause: a gap
            ((T0 + 5 * Minute) / 1000d, 6d), ((T0 + 6 * Minute) / 1000d, 7d));
    }

    [Fact]
    public void Span_LastHour_SpansTheHourWhateverTheData()
    {
        var now = Timestamps.FromMicros(T0 + 60 * Minute);
        var state = new RunPageState(T0, long.MaxValue, Minute);
        state.AddPoint(MetricNames.GenerationTime, T0 + 50 * Minute, 1.5);

        var span = RunCharts.Span(state, now);

        span.FromMs.Should().Be(T0 / 1000d);
        span.ToMs.Should().Be(now.ToUnixTimeMilliseconds());
    }
}
