using System.Diagnostics;
using Dashboard.Runs;

namespace Dashboard.Bench.LivePages;

/// <summary>
/// The live fold's own cost, in process (no server, no browser): ticks of one second of a run receiving
/// <c>eventsPerSecond</c> generation events (8 points each, as the fill makes them) folded into a run page's state over
/// the range "all", then the one copy per tick that the shared fold hands its pages. Before the shared fold each open
/// page folded every point itself: <c>pages</c> x the fold line; now it is one fold plus one copy per tick.
/// </summary>
internal static class FoldScenario
{
    public static void Run(int eventsPerSecond, int ticks, int pages)
    {
        var random = new Random(3);
        var start = Timestamps.ToMicros(DateTimeOffset.UtcNow) - 3_600_000_000L;
        // One tick's events, made once (the writer hands the fold events it already built).
        var tick = new List<ExpandedEvent>(eventsPerSecond);
        var state = new RunPageState(long.MinValue, long.MaxValue, BucketWidth.For(3_600_000_000L));
        // An hour of history before the ticks, 200 events per 30 s bucket: a live "all" page's state has its buckets
        // (the copy's cost grows with them, not with the points).
        for (var b = start - 3_600_000_000L; b < start; b += 30_000_000L)
        {
            for (var i = 0; i < 200; i++)
            {
                state.AddEvent(Fill.Generation(b + i * 100_000L, random, i));
            }
        }
        var fold = new List<double>();
        var copy = new List<double>();
        var sw = new Stopwatch();
        for (var t = 0; t < ticks; t++)
        {
            tick.Clear();
            var second = start + t * 1_000_000L;
            for (var i = 0; i < eventsPerSecond; i++)
            {
                tick.Add(Fill.Generation(second + i * (1_000_000L / eventsPerSecond), random, i));
            }
            sw.Restart();
            foreach (var e in tick)
            {
                state.AddEvent(e);
            }
            fold.Add(sw.Elapsed.TotalMilliseconds);
            sw.Restart();
            var snapshot = state.Clone();
            copy.Add(sw.Elapsed.TotalMilliseconds);
            GC.KeepAlive(snapshot);
        }
        var points = (double)eventsPerSecond * Fill.PointsPerEvent;
        // The first ticks run while the JIT tiers up: report the later half.
        var steady = ticks / 2;
        var f = fold.Skip(steady).Order().ToList();
        var c = copy.Skip(steady).Order().ToList();
        double P(List<double> l, double q) => l[(int)Math.Min(l.Count - 1, Math.Floor(q * l.Count))];
        Console.WriteLine($"fold: {eventsPerSecond:N0} events/s ({points:N0} points/s) into one run page state, {ticks} ticks of 1 s, state now {state.Buckets.Count} buckets");
        Console.WriteLine($"  fold per tick   p50 {P(f, 0.5):F1} ms, p95 {P(f, 0.95):F1} ms = {P(f, 0.5) * 1e6 / points:F0} ns per point (p50)");
        Console.WriteLine($"  copy per tick   p50 {P(c, 0.5):F2} ms, p95 {P(c, 0.95):F2} ms (one per tick, shared by every page)");
        Console.WriteLine($"  per second of ingest with {pages} pages: shared fold {P(f, 0.5) + P(c, 0.5):F1} ms of CPU; one fold per page (before) {pages * P(f, 0.5):F1} ms");
    }
}
