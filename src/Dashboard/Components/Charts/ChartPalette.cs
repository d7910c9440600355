namespace Dashboard.Components.Charts;

/// <summary>
/// One palette for every chart on every page, light and dark; the same hues as site.css's --chart-N tokens.
/// A series keeps its colour by position, so "failures" is red wherever it is drawn second.
/// </summary>
public static class ChartPalette
{
    public static readonly IReadOnlyList<string> Light =
        ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#4b5563", "#9333ea"];

    public static readonly IReadOnlyList<string> Dark =
        ["#60a5fa", "#f87171", "#34d399", "#fbbf24", "#a78bfa", "#22d3ee", "#f472b6", "#a3e635", "#9ca3af", "#c084fc"];

    /// <summary>Shaded bands (alert firing periods).</summary>
    public static string Band(bool dark) => dark ? "#f87171" : "#dc2626";

    public static IReadOnlyList<string> For(bool dark) => dark ? Dark : Light;
}
