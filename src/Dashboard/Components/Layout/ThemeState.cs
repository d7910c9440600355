using Microsoft.JSInterop;

namespace Dashboard.Components.Layout;

/// <summary>
/// The light/dark choice of one browser, shared by the layout (MudThemeProvider) and the charts (which
/// redraw in the matching palette). Kept in localStorage by wwwroot/js/theme.js, the same key the static
/// pages read, so the choice survives reloads and holds on every page. Scoped: one per circuit.
/// </summary>
public sealed class ThemeState(IJSRuntime js)
{
    /// <summary>The cookie wwwroot/js/theme.js keeps beside localStorage, so the server's first answer (the prerender) is
    /// already in the chosen theme: MudBlazor's palette, the charts' colours and the toggle's icon.</summary>
    public const string CookieName = "dashboard-theme";

    public bool IsDark { get; private set; }

    /// <summary>The theme the page starts in (the cookie while prerendering, the prerender's choice in the circuit); no event.</summary>
    public void Assume(bool dark) => IsDark = dark;

    /// <summary>Raised after the choice changed; charts and the layout re-render.</summary>
    public event Action? Changed;

    /// <summary>Reads the remembered choice (or the system preference); call after the first interactive render.</summary>
    public async Task LoadAsync()
    {
        var dark = await js.InvokeAsync<bool>("dashboardTheme.isDark");
        if (dark != IsDark)
        {
            IsDark = dark;
            Changed?.Invoke();
        }
    }

    public async Task ToggleAsync()
    {
        IsDark = !IsDark;
        await js.InvokeVoidAsync("dashboardTheme.set", IsDark ? "dark" : "light");
        Changed?.Invoke();
    }
}
