using System.Text.Json;

namespace Dashboard.Components.Charts;

/// <summary>Turns a <see cref="ChartSpec"/> into ApexCharts options (and their JSON, what the chart module receives).</summary>
public static class ApexOptionsBuilder
{
    public static ApexOptions Build(ChartSpec spec, bool dark)
    {
        var histogram = spec.Kind == ChartKind.Histogram;
        var series = spec.Series.Select(s => new ApexSeries(s.Name, Points(s, histogram),
            s.Type is { } t && t != spec.Kind ? TypeName(t) : null)).ToList();
        var xaxis = histogram
            // Bin labels are not trimmed: ApexCharts trims to one category's width ("1....") although only every few
            // bins carry a label (TickAmount), so at 1440 px every label read as dots.
            ? new ApexXAxis("category", null, null, spec.XUnit) { TickAmount = TickAmount(spec), Labels = new ApexAxisLabels(Trim: false) }
            : new ApexXAxis(spec.Time is null ? "numeric" : "datetime", spec.Time?.FromMs, spec.Time?.ToMs, spec.XUnit);
        var yaxes = spec.Axes.Select((a, i) => new ApexYAxis(a.Unit, a.Integer, a.Logarithmic, a.Opposite,
                a.Min ?? (a.Integer ? 0 : null), a.Max ?? (a.Integer ? IntegerMax(spec, i) : null), new ApexTitle(a.Title),
                spec.Axes.Count > 1 ? spec.Series.Where(s => s.Axis == i).Select(s => s.Name).ToList() : null)
            {
                // An integer axis gets at most one tick per whole number: 4 points never read 0.5, 1.5, 2.5.
                TickAmount = a.Integer ? (int)Math.Clamp(IntegerMax(spec, i) ?? 1, 1, 5) : null,
            })
            .ToList();
        var widths = spec.Series.Select(s => (s.Type ?? spec.Kind) is ChartKind.Bar or ChartKind.Histogram ? 0d : 2d).ToList();
        var bands = BandAnnotations(spec, dark);
        return new ApexOptions(
            new ApexChartBlock(TypeName(spec.Kind), spec.Height, spec.Stacked, new ApexZoom(spec.Zoomable && spec.Time is not null)),
            series, ChartPalette.For(dark), new ApexTheme(dark ? "dark" : "light"), xaxis, yaxes,
            new ApexStroke(widths), new ApexAnnotations(bands),
            new ApexTooltip(Shared: !histogram, Intersect: false, histogram ? "histogram" : spec.Time is null ? "value" : "time"))
        {
            Legend = new ApexLegend(ShowForSingleSeries: false),
            // A line of a few points (one bucket so far) is invisible without markers; a long one is cleaner without.
            Markers = new ApexMarkers(spec.Series.Any(s => (s.Type ?? spec.Kind) is ChartKind.Line && s.Points.Count(p => p.Y is not null) is > 0 and < 30) ? 4 : 0),
            PlotOptions = new ApexPlotOptions { Bar = new ApexBar(LoneTimeBar(spec) ? LoneBarWidth : "85%") },
        };
    }

    /// <summary>Share of the range a band's label is taken to cover (about 130 px of a 520-700 px plot).</summary>
    private const double LabelWidthShare = 0.25;

    private const double LabelRowPixels = 20;

    /// <summary>Rows of band labels at most: a third would cover the plot's data (and at 420 px run below its axis).</summary>
    internal const int MaxLabelRows = 2;

    /// <summary>
    /// Alert bands, shaded, with the rule's name at the band's start. Two rules that fire together would write their
    /// names over each other (and a band near the right edge ran its centred label under the right axis): a label in
    /// the range's last third is written leftwards from its start, and labels that would overlap go one row down.
    /// A rule that fired again and again wrote its name on every band, ten labels deep over the data at 420 px: each
    /// name is written once, on its latest band, in at most <see cref="MaxLabelRows"/> rows; the other bands are shaded
    /// without a name (the alerts table lists every firing).
    /// </summary>
    private static List<ApexXAnnotation> BandAnnotations(ChartSpec spec, bool dark)
    {
        var latest = spec.Bands.Select((b, i) => (b, i)).GroupBy(x => x.b.Label).Select(g => g.MaxBy(x => x.b.FromMs).i).ToHashSet();
        var fill = ChartPalette.Band(dark);
        // The band's label takes the theme's colours: ApexCharts' default is a white box, glaring on the dark theme.
        var labelStyle = dark ? new ApexLabelStyle("#1f2937", "#e5e7eb") : new ApexLabelStyle("#ffffff", "#374151");
        var from = spec.Time?.FromMs ?? spec.Bands.Select(b => b.FromMs).DefaultIfEmpty().Min();
        var to = spec.Time?.ToMs ?? spec.Bands.Select(b => b.ToMs).DefaultIfEmpty().Max();
        var labelWidth = Math.Max(to - from, 1) * LabelWidthShare;
        var rows = new List<List<(double Lo, double Hi)>>();
        var annotations = new List<ApexXAnnotation>(spec.Bands.Count);
        for (var i = 0; i < spec.Bands.Count; i++)
        {
            var b = spec.Bands[i];
            var leftwards = b.FromMs > to - labelWidth * 4 / 3;
            var span = leftwards ? (Lo: b.FromMs - labelWidth, Hi: b.FromMs) : (Lo: b.FromMs, Hi: b.FromMs + labelWidth);
            var row = latest.Contains(i) ? rows.FindIndex(r => r.All(o => span.Hi <= o.Lo || span.Lo >= o.Hi)) : MaxLabelRows;
            if (row < 0 && rows.Count < MaxLabelRows)
            {
                rows.Add([]);
                row = rows.Count - 1;
            }
            var labelled = row is >= 0 and < MaxLabelRows;
            if (labelled)
            {
                rows[row].Add(span);
            }
            // An empty text draws neither the name nor its box (ApexCharts skips the background of a blank label).
            annotations.Add(new ApexXAnnotation(b.FromMs, b.ToMs, fill, fill, 0.12, new ApexAnnotationLabel(labelled ? b.Label : "")
            {
                Style = labelStyle,
                TextAnchor = leftwards ? "end" : "start",
                OffsetY = labelled ? row * LabelRowPixels : 0,
            }));
        }
        return annotations;
    }

    /// <summary>Width of the bars of a time chart that has a single bucket so far (pixels: no '%').</summary>
    internal const string LoneBarWidth = "28px";

    /// <summary>
    /// ApexCharts sizes time bars by the smallest gap between x values; with one x value there is no gap and each bar
    /// fills the whole plot (cost or tokens per model over a short run). Such bars get a fixed width instead.
    /// </summary>
    private static bool LoneTimeBar(ChartSpec spec) =>
        spec.Time is not null
        && spec.Series.Any(s => (s.Type ?? spec.Kind) is ChartKind.Bar)
        && spec.Series.Where(s => (s.Type ?? spec.Kind) is ChartKind.Bar).SelectMany(s => s.Points)
            .Select(p => p.X).Distinct().Count() == 1;

    public static string ToJson(ApexOptions options) => JsonSerializer.Serialize(options, ApexJsonContext.Default.ApexOptions);

    private static List<ApexPoint> Points(ChartSeries s, bool histogram)
    {
        var points = new List<ApexPoint>(s.Points.Count);
        foreach (var p in s.Points)
        {
            points.Add(histogram ? new ApexPoint(Format.Number(p.Lo ?? p.X), p.Y, p.Lo, p.Hi) : new ApexPoint(p.X, p.Y));
        }
        return points;
    }

    /// <summary>The rounded-up largest stacked value on axis i, so integer ticks land on whole numbers.</summary>
    private static double? IntegerMax(ChartSpec spec, int axis)
    {
        var onAxis = spec.Series.Where(s => s.Axis == axis).ToList();
        if (onAxis.Count == 0)
        {
            return null;
        }
        double max;
        if (spec.Stacked)
        {
            max = onAxis.SelectMany(s => s.Points).GroupBy(p => p.X).Select(g => g.Sum(p => p.Y ?? 0)).DefaultIfEmpty(0).Max();
        }
        else
        {
            max = onAxis.SelectMany(s => s.Points).Select(p => p.Y ?? 0).DefaultIfEmpty(0).Max();
        }
        return NiceCeiling(Math.Max(1, max));
    }

    /// <summary>The smallest 1-2-5 round number (or a whole number up to 5) at or above max.</summary>
    internal static double NiceCeiling(double max)
    {
        if (max <= 5)
        {
            return Math.Ceiling(max);
        }
        var step = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var m in new[] { 1d, 2, 5, 10 })
        {
            if (m * step >= max)
            {
                return m * step;
            }
        }
        return 10 * step;
    }

    /// <summary>Histogram categories: at most ~8 labels so they never overlap at 420 px.</summary>
    private static int? TickAmount(ChartSpec spec)
    {
        var n = spec.Series.Count == 0 ? 0 : spec.Series.Max(s => s.Points.Count);
        return n > 8 ? 8 : null;
    }

    private static string TypeName(ChartKind kind) => kind switch
    {
        ChartKind.Line => "line",
        ChartKind.Area => "area",
        _ => "bar",
    };
}
