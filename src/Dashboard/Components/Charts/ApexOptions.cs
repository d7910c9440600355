using System.Text.Json.Serialization;

namespace Dashboard.Components.Charts;

// ApexCharts' option object as C# records: only the parts the pages use. Property names serialize in
// camelCase to ApexCharts' own keys; "unit" and "integer" are ours, read by wwwroot/js/apex-interop.js to set
// label and tooltip formatters (functions cannot travel as JSON). Nulls are left out, so ApexCharts keeps
// its defaults.

public sealed record ApexOptions(
    ApexChartBlock Chart,
    IReadOnlyList<ApexSeries> Series,
    IReadOnlyList<string> Colors,
    ApexTheme Theme,
    ApexXAxis Xaxis,
    IReadOnlyList<ApexYAxis> Yaxis,
    ApexStroke Stroke,
    ApexAnnotations Annotations,
    ApexTooltip Tooltip)
{
    public ApexToggle DataLabels { get; init; } = new(false);
    public ApexLegend Legend { get; init; } = new();
    public ApexMarkers Markers { get; init; } = new();
    public ApexPlotOptions PlotOptions { get; init; } = new();
    public ApexNoData NoData { get; init; } = new();
}

public sealed record ApexChartBlock(string Type, int Height, bool Stacked, ApexZoom Zoom)
{
    public ApexToggle Animations { get; init; } = new(false);
    public ApexToolbar Toolbar { get; init; } = new();
    public string Background { get; init; } = "transparent";
    public string FontFamily { get; init; } = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
    public ApexParentHeightOffset? Redraw { get; init; }
}

public sealed record ApexParentHeightOffset(bool RedrawOnParentResize = true);

public sealed record ApexToggle(bool Enabled);

public sealed record ApexZoom(bool Enabled, string Type = "x", bool AutoScaleYaxis = false);

/// <summary>The toolbar stays hidden: drag selects a range (the page's range), the range picker resets it.</summary>
public sealed record ApexToolbar(bool Show = false);

public sealed record ApexSeries(string Name, IReadOnlyList<ApexPoint> Data, string? Type = null, string? Group = null);

/// <summary>X is a number (unix ms, or a value) or a category label; Lo/Hi carry a histogram bar's bin edges for the tooltip.</summary>
public sealed record ApexPoint(object X, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Y, double? Lo = null, double? Hi = null);

public sealed record ApexTheme(string Mode);

public sealed record ApexXAxis(string Type, double? Min, double? Max, string Unit)
{
    public ApexAxisLabels Labels { get; init; } = new();
    public int? TickAmount { get; init; }
    public ApexTitle? Title { get; init; }
    public ApexToggle Tooltip { get; init; } = new(false);
}

/// <summary>Time labels in UTC, as every page writes its times ("times in UTC") and as the server-drawn sketch does.</summary>
public sealed record ApexAxisLabels(int Rotate = 0, bool HideOverlappingLabels = true, bool DatetimeUTC = true, bool Trim = true);

public sealed record ApexYAxis(string Unit, bool Integer, bool Logarithmic, bool Opposite, double? Min, double? Max, ApexTitle Title,
    IReadOnlyList<string>? SeriesName)
{
    public int? TickAmount { get; init; }
    public bool ForceNiceScale { get; init; } = true;
    public bool ShowAlways { get; init; } = true;
}

public sealed record ApexTitle(string Text);

public sealed record ApexStroke(IReadOnlyList<double> Width, string Curve = "straight");

public sealed record ApexAnnotations(IReadOnlyList<ApexXAnnotation> Xaxis);

public sealed record ApexXAnnotation(double X, double X2, string FillColor, string BorderColor, double Opacity, ApexAnnotationLabel Label);

public sealed record ApexAnnotationLabel(string Text, string Orientation = "horizontal", string Position = "top")
{
    public ApexLabelStyle? Style { get; init; }

    /// <summary>"start" writes the label rightwards from the band's start, "end" leftwards (ApexCharts' default centres it).</summary>
    public string TextAnchor { get; init; } = "start";

    /// <summary>Pixels down from the plot's top: labels of bands that start close together are stacked in rows.</summary>
    public double OffsetY { get; init; }
}

public sealed record ApexLabelStyle(string Background, string Color);

/// <summary>Histogram: "histogram" switches the tooltip to "bin range: count".</summary>
public sealed record ApexTooltip(bool Shared, bool Intersect, string Mode);

public sealed record ApexLegend(bool Show = true, string Position = "top", string HorizontalAlign = "left", bool ShowForSingleSeries = false);

public sealed record ApexMarkers(int Size = 0);

public sealed record ApexPlotOptions
{
    public ApexBar Bar { get; init; } = new();
}

public sealed record ApexBar(string ColumnWidth = "85%", int BorderRadius = 1);

public sealed record ApexNoData(string Text = "No data in this range");

[JsonSerializable(typeof(ApexOptions))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(string))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class ApexJsonContext : JsonSerializerContext;
