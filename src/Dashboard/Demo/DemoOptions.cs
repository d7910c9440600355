namespace Dashboard.Demo;

/// <summary>The built-in simulated generator (configuration section <c>Demo</c>; <c>--demo</c> sets Enabled).</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    /// <summary>Minutes of history posted at start, so charts have data at once.</summary>
    public int BackfillMinutes { get; set; } = 10;

    /// <summary>Generations per second, per demo run.</summary>
    public double EventsPerSecond { get; set; } = 4;
}
