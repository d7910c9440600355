using System.Globalization;
using System.Text;

namespace Dashboard.Components.Charts;

/// <summary>
/// A chart drawn on the server, into the prerendered page (issue 10: a 10M-point run's first view under 1 s). The
/// browser paints it with the page's first paint; ApexCharts draws the real chart over it later (about 150 ms of main
/// thread a chart, after scripts and the circuit start). Same spec, palette, axes and unit labels as
/// <see cref="ApexOptionsBuilder"/>'s options; no tooltips, zoom or band labels.
/// Coordinates are in a 1000 x 1000 plot stretched to the card (preserveAspectRatio none): the server does not know
/// the card's width, so shapes stretch and the text (axis labels, in HTML) is placed by percent.
/// </summary>
public static class ChartSketch
{
    public const int Size = 1000;

    /// <summary>Width of a lone time bar, in plot units (ApexOptionsBuilder's 28 px on a ~560 px plot).</summary>
    private const double LoneBar = 50;

    public static SketchDrawing Draw(ChartSpec spec, bool dark)
    {
        var palette = ChartPalette.For(dark);
        var x = XScale.For(spec);
        var axes = spec.Axes.Select((a, i) => YScale.For(spec, a, i)).ToList();
        var shapes = new List<SketchShape>();
        var stackTops = new Dictionary<(int Axis, double X), double>();
        var bars = spec.Series.Where(s => IsBar(spec, s)).ToList();
        for (var i = 0; i < spec.Series.Count; i++)
        {
            var s = spec.Series[i];
            var color = palette[i % palette.Count];
            var y = axes[Math.Clamp(s.Axis, 0, axes.Count - 1)];
            if (IsBar(spec, s))
            {
                shapes.Add(new SketchShape(Bars(spec, s, x, y, bars.IndexOf(s), bars.Count, stackTops), color, null));
                continue;
            }
            var line = Line(s, x, y);
            if ((s.Type ?? spec.Kind) == ChartKind.Area)
            {
                shapes.Add(new SketchShape(Area(s, x, y), color, null) { Opacity = 0.3 });
            }
            shapes.Add(new SketchShape(line, null, color));
            if ((s.Type ?? spec.Kind) == ChartKind.Line && s.Points.Count(p => p.Y is not null) is > 0 and < 30)
            {
                shapes.Add(new SketchShape(Markers(s, x, y), null, color) { Width = 8 });
            }
        }
        var bands = spec.Bands
            .Select(b => (From: Math.Clamp(x.At(b.FromMs), 0, Size), To: Math.Clamp(x.At(b.ToMs), 0, Size)))
            .Where(b => b.To > b.From)
            .Select(b => new SketchBand(b.From, b.To - b.From))
            .ToList();
        var legend = spec.Series.Count > 1
            ? spec.Series.Select((s, i) => new SketchLegendItem(s.Name, palette[i % palette.Count])).ToList()
            : [];
        var yAxes = spec.Axes.Select((a, i) => new SketchAxis(a.Title, a.Opposite, axes[i].Ticks)).ToList();
        return new SketchDrawing(legend, yAxes, x.Ticks(spec), shapes, bands, ChartPalette.Band(dark));
    }

    private static bool IsBar(ChartSpec spec, ChartSeries s) => (s.Type ?? spec.Kind) is ChartKind.Bar or ChartKind.Histogram;

    /// <summary>One path of rectangles; stacked bars start where the series before them at the same x ended.</summary>
    private static string Bars(ChartSpec spec, ChartSeries s, XScale x, YScale y, int index, int count,
        Dictionary<(int, double), double> stackTops)
    {
        var d = new StringBuilder();
        var stacked = spec.Stacked && spec.Kind != ChartKind.Histogram;
        var width = stacked ? x.BarWidth : x.BarWidth / Math.Max(count, 1);
        for (var i = 0; i < s.Points.Count; i++)
        {
            var p = s.Points[i];
            if (p.Y is not { } v || v == 0)
            {
                continue;
            }
            var key = (s.Axis, p.X);
            var from = stacked ? stackTops.GetValueOrDefault(key) : 0;
            if (stacked)
            {
                stackTops[key] = from + v;
            }
            var left = x.Center(p, i) - x.BarWidth / 2 + (stacked ? 0 : width * index);
            var top = y.At(from + v);
            var bottom = y.At(from == 0 ? y.Base : from);
            d.Append('M').Append(N(left)).Append(' ').Append(N(bottom))
                .Append('V').Append(N(top)).Append('h').Append(N(width)).Append('V').Append(N(bottom)).Append('Z');
        }
        return d.ToString();
    }

    /// <summary>A polyline broken at gaps (y null).</summary>
    private static string Line(ChartSeries s, XScale x, YScale y)
    {
        var d = new StringBuilder();
        var pen = 'M';
        for (var i = 0; i < s.Points.Count; i++)
        {
            var p = s.Points[i];
            if (p.Y is not { } v)
            {
                pen = 'M';
                continue;
            }
            d.Append(pen).Append(N(x.Center(p, i))).Append(' ').Append(N(y.At(v)));
            pen = 'L';
        }
        return d.ToString();
    }

    private static string Area(ChartSeries s, XScale x, YScale y)
    {
        var points = s.Points.Select((p, i) => (X: x.Center(p, i), p.Y)).Where(p => p.Y is not null).ToList();
        if (points.Count == 0)
        {
            return "";
        }
        var baseY = N(y.At(y.Base));
        var d = new StringBuilder().Append('M').Append(N(points[0].X)).Append(' ').Append(baseY);
        foreach (var p in points)
        {
            d.Append('L').Append(N(p.X)).Append(' ').Append(N(y.At(p.Y!.Value)));
        }
        return d.Append('L').Append(N(points[^1].X)).Append(' ').Append(baseY).Append('Z').ToString();
    }

    /// <summary>Dots as zero-length round-capped strokes: they stay round when the plot is stretched.</summary>
    private static string Markers(ChartSeries s, XScale x, YScale y)
    {
        var d = new StringBuilder();
        for (var i = 0; i < s.Points.Count; i++)
        {
            if (s.Points[i].Y is { } v)
            {
                d.Append('M').Append(N(x.Center(s.Points[i], i))).Append(' ').Append(N(y.At(v))).Append("h0");
            }
        }
        return d.ToString();
    }

    /// <summary>Plot coordinates with one decimal: enough at any card width, and short HTML.</summary>
    internal static string N(double v) => Math.Round(v, 1).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>Where x values go: time or numeric charts by value across their span; histograms by bin index.</summary>
    private sealed class XScale
    {
        private readonly double _from;
        private readonly double _to;
        private readonly int _bins;

        private XScale(double from, double to, int bins, double barWidth)
        {
            _from = from;
            _to = to;
            _bins = bins;
            BarWidth = barWidth;
        }

        public double BarWidth { get; }

        public static XScale For(ChartSpec spec)
        {
            if (spec.Kind == ChartKind.Histogram)
            {
                var bins = spec.Series.Select(s => s.Points.Count).DefaultIfEmpty(0).Max();
                return new XScale(0, 1, bins, bins == 0 ? 0 : Size * 0.85 / bins);
            }
            var xs = spec.Series.SelectMany(s => s.Points).Select(p => p.X).ToList();
            var from = spec.Time?.FromMs ?? xs.DefaultIfEmpty(0).Min();
            var to = spec.Time?.ToMs ?? xs.DefaultIfEmpty(1).Max();
            if (!(to > from))
            {
                to = from + 1;
            }
            var barXs = spec.Series.Where(s => IsBar(spec, s)).SelectMany(s => s.Points).Select(p => p.X).Distinct().Order().ToList();
            var gap = barXs.Zip(barXs.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Min();
            var width = gap > 0 ? gap / (to - from) * Size * 0.85 : LoneBar;
            return new XScale(from, to, 0, width);
        }

        public double At(double x) => _bins > 0 ? 0 : (x - _from) / (_to - _from) * Size;

        public double Center(ChartPoint p, int index) => _bins > 0 ? (index + 0.5) * Size / _bins : At(p.X);

        /// <summary>Round times on a time axis, round values on a numeric one, about 8 bin starts on a histogram.</summary>
        public IReadOnlyList<SketchTick> Ticks(ChartSpec spec)
        {
            if (_bins > 0)
            {
                var every = Math.Max(1, (int)Math.Ceiling(_bins / 8d));
                var first = spec.Series.First(s => s.Points.Count == _bins);
                return [.. Enumerable.Range(0, _bins).Where(i => i % every == 0)
                    .Select(i => new SketchTick(ChartTicks.Label(first.Points[i].Lo ?? first.Points[i].X, spec.XUnit), (i + 0.5) * 100d / _bins))];
            }
            if (spec.Time is not null)
            {
                var times = ChartTicks.Times(_from, _to);
                var step = times.Count > 1 ? times[1] - times[0] : _to - _from;
                return [.. times.Select(t => new SketchTick(ChartTicks.TimeLabel(t, step), At(t) / 10))];
            }
            return [.. ChartTicks.Values(_from, _to, false).Where(v => v >= _from && v <= _to)
                .Select(v => new SketchTick(ChartTicks.Label(v, spec.XUnit), At(v) / 10))];
        }
    }

    /// <summary>One y axis: its range (0 or the data's minimum up to a round maximum, or the axis' fixed bounds), log or linear.</summary>
    private sealed class YScale
    {
        private readonly double _min;
        private readonly double _max;
        private readonly bool _log;

        private YScale(double min, double max, bool log, IReadOnlyList<SketchTick> ticks)
        {
            _min = min;
            _max = max;
            _log = log;
            Ticks = ticks;
        }

        public IReadOnlyList<SketchTick> Ticks { get; }

        /// <summary>Where bars start: 0 on a linear axis that holds it, else the axis' bottom.</summary>
        public double Base => _log ? Math.Pow(10, _min) : Math.Clamp(0, _min, _max);

        public static YScale For(ChartSpec spec, ChartAxis axis, int index)
        {
            var values = Values(spec, index).Where(double.IsFinite).ToList();
            if (axis.Logarithmic)
            {
                var positive = values.Where(v => v > 0).ToList();
                var lo = Math.Floor(Math.Log10(positive.DefaultIfEmpty(1).Min()));
                var hi = Math.Max(lo + 1, Math.Ceiling(Math.Log10(positive.DefaultIfEmpty(10).Max())));
                var powers = Enumerable.Range(0, (int)(hi - lo) + 1).Select(k => lo + k).ToList();
                return new YScale(lo, hi, true, [.. powers.Select(p => new SketchTick(ChartTicks.Label(Math.Pow(10, p), axis.Unit), (hi - p) / (hi - lo) * 100))]);
            }
            var dataMin = values.DefaultIfEmpty(0).Min();
            var dataMax = values.DefaultIfEmpty(1).Max();
            var min = axis.Min ?? Math.Min(0, dataMin);
            var max = axis.Max ?? (axis.Integer ? ApexOptionsBuilder.NiceCeiling(Math.Max(1, dataMax)) : dataMax);
            var count = axis.Integer ? (int)Math.Clamp(max - min, 1, 5) : 5;
            var ticks = ChartTicks.Values(min, max, axis.Integer, count);
            if (axis.Max is null)
            {
                max = Math.Max(max, ticks[^1]);
            }
            if (axis.Min is null)
            {
                min = Math.Min(min, ticks[0]);
            }
            return new YScale(min, max, false, [.. ticks.Where(t => t >= min - 1e-9 && t <= max + 1e-9)
                .Select(t => new SketchTick(ChartTicks.Label(t, axis.Unit), Math.Clamp((max - t) / (max - min), 0, 1) * 100))]);
        }

        /// <summary>What the axis must hold: each line's values, and bars' stacked totals when the chart stacks.</summary>
        private static IEnumerable<double> Values(ChartSpec spec, int index)
        {
            var onAxis = spec.Series.Where(s => Math.Clamp(s.Axis, 0, spec.Axes.Count - 1) == index).ToList();
            var lines = onAxis.Where(s => !IsBar(spec, s)).SelectMany(s => s.Points).Select(p => p.Y);
            var barPoints = onAxis.Where(s => IsBar(spec, s)).SelectMany(s => s.Points);
            var bars = spec.Stacked
                ? barPoints.GroupBy(p => p.X).Select(g => (double?)g.Sum(p => p.Y ?? 0))
                : barPoints.Select(p => p.Y);
            return lines.Concat(bars).Where(v => v is not null).Select(v => v!.Value);
        }

        public double At(double v)
        {
            var t = _log ? Math.Log10(Math.Max(v, double.Epsilon)) : v;
            return Math.Clamp((_max - t) / (_max - _min) * Size, 0, Size);
        }
    }
}

/// <summary>What <see cref="ChartSketchView"/> writes: legend, y axes, x ticks, shapes and bands in plot units.</summary>
public sealed record SketchDrawing(IReadOnlyList<SketchLegendItem> Legend, IReadOnlyList<SketchAxis> YAxes,
    IReadOnlyList<SketchTick> XTicks, IReadOnlyList<SketchShape> Shapes, IReadOnlyList<SketchBand> Bands, string BandColor);

public sealed record SketchLegendItem(string Name, string Color);

/// <summary>A y axis' title and ticks; ticks' Percent is from the plot's top.</summary>
public sealed record SketchAxis(string Title, bool Opposite, IReadOnlyList<SketchTick> Ticks)
{
    /// <summary>Pixels the axis takes beside the plot: its title and its longest label (11 px text, about 6.5 px a character).</summary>
    public int Width => (int)Math.Ceiling((Title.Length > 0 ? 24 : 4) + Ticks.Select(t => t.Label.Length).DefaultIfEmpty(0).Max() * 6.5 + 14);
}

/// <summary>A tick's label and position: percent of the plot from the left (x) or from the top (y).</summary>
public sealed record SketchTick(string Label, double Percent);

/// <summary>A path in plot units, filled or stroked.</summary>
public sealed record SketchShape(string Path, string? Fill, string? Stroke)
{
    public double Opacity { get; init; } = 1;

    public double Width { get; init; } = 2;
}

public sealed record SketchBand(double X, double Width);
