using System.Globalization;
using Dashboard.Components.Charts;

namespace Dashboard.Costs;

/// <summary>How cost figures read on the pages: amounts in the table's currency, never a 0 standing in for "no price".</summary>
public static class CostText
{
    /// <summary>12.34 USD, 0.0023 USD below one unit (a generation costs fractions of a cent); "–" when nothing was priced.</summary>
    public static string Money(double? amount, string? currency)
    {
        if (amount is not { } v || currency is null)
        {
            return Format.Dash;
        }
        var a = Math.Abs(v);
        var text = a >= 100 ? v.ToString("#,0", CultureInfo.InvariantCulture)
            : a >= 1 ? v.ToString("0.00", CultureInfo.InvariantCulture)
            : v.ToString("0.00##", CultureInfo.InvariantCulture);
        return $"{text} {currency}";
    }

    /// <summary>"3 points unpriced" (a point is one token count of one event): why a cost is partial or absent.</summary>
    public static string? Unpriced(long? points) => points is > 0 and var n
        ? $"{Format.Count(n)} {(n == 1 ? "point" : "points")} unpriced"
        : null;

    /// <summary>Cost per model over time, stacked bars: each bucket's total reads off the stack's top.</summary>
    public static ChartSpec Chart(RunCostReport report, TimeSpanMs span) =>
        new(ChartKind.Bar,
        [
            .. report.Series.Select(s => new ChartSeries(s.Model,
                [.. s.Points.Select(p => new ChartPoint(p.T.ToUnixTimeMilliseconds(), p.Cost))])),
        ])
        {
            Axes = [new ChartAxis($"Cost per {StepText(report.StepSeconds)}", Units.Money(report.Currency ?? "?"), Min: 0)],
            Time = span,
            Stacked = true,
            Zoomable = false,
        };

    public static string StepText(long seconds) => seconds switch
    {
        >= 86_400 when seconds % 86_400 == 0 => seconds == 86_400 ? "day" : $"{seconds / 86_400} days",
        >= 3_600 when seconds % 3_600 == 0 => seconds == 3_600 ? "hour" : $"{seconds / 3_600} h",
        >= 60 when seconds % 60 == 0 => seconds == 60 ? "minute" : $"{seconds / 60} min",
        _ => $"{seconds} s",
    };
}
