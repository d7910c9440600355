using MudBlazor;

namespace Dashboard.Components.Layout;

/// <summary>
/// The one MudBlazor theme (light and dark palettes). Its colours match the design tokens in
/// wwwroot/css/site.css so MudBlazor components and the hand-written classes read as one page.
/// </summary>
public static class DashboardTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#2563eb",
            Secondary = "#7c3aed",
            Success = "#15803d",
            Warning = "#b45309",
            Error = "#b91c1c",
            Info = "#0369a1",
            Background = "#f6f7f9",
            Surface = "#ffffff",
            AppbarBackground = "#ffffff",
            AppbarText = "#1c2330",
            TextPrimary = "#1c2330",
            TextSecondary = "#5d6776",
            LinesDefault = "#dde1e7",
            TableLines = "#dde1e7",
            DrawerBackground = "#ffffff",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#60a5fa",
            Secondary = "#a78bfa",
            Success = "#4ade80",
            Warning = "#fbbf24",
            Error = "#f87171",
            Info = "#38bdf8",
            Background = "#0f141b",
            Surface = "#171d26",
            AppbarBackground = "#171d26",
            AppbarText = "#e6eaf0",
            TextPrimary = "#e6eaf0",
            TextSecondary = "#9aa5b4",
            LinesDefault = "#2c3643",
            TableLines = "#2c3643",
            DrawerBackground = "#171d26",
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "8px" },
    };
}
