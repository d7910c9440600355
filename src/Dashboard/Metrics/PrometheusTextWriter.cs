using System.Globalization;
using System.Text;

namespace Dashboard.Metrics;

/// <summary>
/// Writes the Prometheus text exposition format (version 0.0.4): a HELP and a TYPE line per family,
/// then its samples, label values escaped as the format requires (backslash, double quote, newline).
/// Every sample of a family must be written before the next family starts.
/// </summary>
public sealed class PrometheusTextWriter(StringBuilder output)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public void Family(string name, string type, string help)
    {
        output.Append("# HELP ").Append(name).Append(' ');
        foreach (var c in help)
        {
            // In HELP only backslash and newline are escaped; quotes stay as they are.
            _ = c switch
            {
                '\\' => output.Append(@"\\"),
                '\n' => output.Append(@"\n"),
                _ => output.Append(c),
            };
        }
        output.Append('\n').Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    /// <summary>Escapes a label set once into <c>a="x",b="y"</c>, for series written at every scrape.</summary>
    public static string Labels(ReadOnlySpan<Label> labels)
    {
        var sb = new StringBuilder();
        new PrometheusTextWriter(sb).AppendLabels(labels);
        return sb.ToString();
    }

    /// <summary>A sample whose labels were escaped once with <see cref="Labels"/>; <paramref name="le"/> adds a bucket bound.</summary>
    public void Sample(string name, string escapedLabels, double value, string? le = null)
    {
        output.Append(name);
        if (escapedLabels.Length > 0 || le is not null)
        {
            output.Append('{').Append(escapedLabels);
            if (le is not null)
            {
                output.Append(escapedLabels.Length > 0 ? ",le=\"" : "le=\"").Append(le).Append('"');
            }
            output.Append('}');
        }
        output.Append(' ');
        AppendValue(value);
        output.Append('\n');
    }

    /// <summary>A histogram over pre-escaped labels; <paramref name="bounds"/> are the le values as <see cref="Bounds"/> makes them.</summary>
    public void Histogram(string name, string escapedLabels, IReadOnlyList<string> bounds, ReadOnlySpan<long> counts, double sum, long count)
    {
        var bucket = name + "_bucket";
        long cumulative = 0;
        for (var i = 0; i < bounds.Count; i++)
        {
            cumulative += counts[i];
            Sample(bucket, escapedLabels, cumulative, bounds[i]);
        }
        Sample(bucket, escapedLabels, count, "+Inf");
        Sample(name + "_sum", escapedLabels, sum);
        Sample(name + "_count", escapedLabels, count);
    }

    /// <summary>The le label values of a histogram's upper bounds.</summary>
    public static string[] Bounds(IEnumerable<double> bounds) => [.. bounds.Select(FormatValue)];

    public void Sample(string name, ReadOnlySpan<Label> labels, double value)
    {
        output.Append(name);
        if (labels.Length > 0)
        {
            output.Append('{');
            AppendLabels(labels);
            output.Append('}');
        }
        output.Append(' ');
        AppendValue(value);
        output.Append('\n');
    }

    /// <summary>A histogram's cumulative buckets (one count per upper bound, then +Inf), _sum and _count.</summary>
    public void Histogram(string name, ReadOnlySpan<Label> labels, ReadOnlySpan<double> bounds, ReadOnlySpan<long> counts, double sum, long count)
    {
        var all = new Label[labels.Length + 1];
        labels.CopyTo(all);
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += counts[i];
            all[^1] = new Label("le", FormatValue(bounds[i]));
            Sample(name + "_bucket", all, cumulative);
        }
        all[^1] = new Label("le", "+Inf");
        Sample(name + "_bucket", all, count);
        Sample(name + "_sum", labels, sum);
        Sample(name + "_count", labels, count);
    }

    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private void AppendValue(double value)
    {
        if (double.IsFinite(value) && value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            output.Append((long)value);
        }
        else
        {
            output.Append(FormatValue(value));
        }
    }

    private void AppendLabels(ReadOnlySpan<Label> labels)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0)
            {
                output.Append(',');
            }
            output.Append(labels[i].Name).Append("=\"");
            AppendEscaped(labels[i].Value);
            output.Append('"');
        }
    }

    private void AppendEscaped(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            output.Append(value);
            return;
        }
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => output.Append(@"\\"),
                '"' => output.Append("\\\""),
                '\n' => output.Append(@"\n"),
                _ => output.Append(c),
            };
        }
    }
}

/// <summary>One label of a sample; the name must match [a-zA-Z_][a-zA-Z0-9_]* (ours are fixed in code).</summary>
public readonly record struct Label(string Name, string Value);
