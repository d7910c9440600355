namespace Dashboard.Components.Charts;

/// <summary>
/// What a page asks <see cref="ApexChart"/> to draw, in the page's terms: series of points, axes with units,
/// the time span the x axis must cover (the chosen range, not the data's extent) and shaded bands.
/// <see cref="ApexOptionsBuilder"/> turns it into ApexCharts options; wwwroot/js/charts.js only draws.
/// </summary>
public sealed record ChartSpec(ChartKind Kind, IReadOnlyList<ChartSeries> Series)
{
    /// <summary>Y axes; series pick one by <see cref="ChartSeries.Axis"/>. Default: one plain axis.</summary>
    public IReadOnlyList<ChartAxis> Axes { get; init; } = [new ChartAxis("")];

    /// <summary>For time charts: the x axis spans exactly this range (unix ms), so "last hour" looks like an hour.</summary>
    public TimeSpanMs? Time { get; init; }

    /// <summary>Shaded x ranges, e.g. the periods an alert on this chart's metric was firing.</summary>
    public IReadOnlyList<ChartBand> Bands { get; init; } = [];

    /// <summary>Bars of several series stacked (tokens per model).</summary>
    public bool Stacked { get; init; }

    /// <summary>Drag on the chart selects an x range and raises the component's OnZoom (time charts only).</summary>
    public bool Zoomable { get; init; } = true;

    public int Height { get; init; } = 260;

    /// <summary>Unit of the x axis for numeric (non-time) charts, e.g. the histogram's value unit.</summary>
    public string XUnit { get; init; } = "";
}

public enum ChartKind
{
    Line,
    Area,
    Bar,
    Histogram,
}

/// <summary>One series. <paramref name="Type"/> overrides the chart's kind for mixed charts (bars with a line).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<ChartPoint> Points, int Axis = 0, ChartKind? Type = null);

/// <summary>A point: x is unix ms on time charts; y null is a gap. Lo/Hi are a histogram bar's bin edges.</summary>
public readonly record struct ChartPoint(double X, double? Y, double? Lo = null, double? Hi = null);

/// <summary>
/// A y axis. <paramref name="Unit"/> names how values read in labels and tooltips (see <see cref="Units"/>).
/// Integer axes never show 0.5 ticks; Logarithmic is the log-scale switch.
/// </summary>
public sealed record ChartAxis(string Title, string Unit = Units.Plain, double? Min = null, double? Max = null,
    bool Integer = false, bool Logarithmic = false, bool Opposite = false);

public sealed record ChartBand(double FromMs, double ToMs, string Label);

public readonly record struct TimeSpanMs(double FromMs, double ToMs);

/// <summary>Unit names the chart module formats (axis labels and tooltips): one list for every page.</summary>
public static class Units
{
    public const string Plain = "";
    public const string Seconds = "s";
    public const string Share = "%";
    public const string Tokens = "tokens";
    public const string Count = "count";
    public const string PerMinute = "/min";

    /// <summary>An amount of money in an ISO 4217 currency, e.g. "money:USD".</summary>
    public static string Money(string currency) => "money:" + currency;
}
