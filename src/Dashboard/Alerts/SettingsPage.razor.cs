using Dashboard.Alerts.Settings;
using MudBlazor;

namespace Dashboard.Alerts;

/// <summary>
/// /settings, interactive: fields in the page's units (percent, durations like 5m), errors in words next to each
/// field, a preview of what a rule would have fired on over the last 24 h, and saves that apply at once (the store
/// raises Changed, which restarts the evaluator's timer with the new interval).
/// </summary>
public sealed partial class SettingsPage
{
    private AlertSettings _stored = new();
    private SettingsDraft _draft = new(new AlertSettings().WithMissingDefaults());
    private bool _allowed;
    private bool _liveOn;

    /// <summary>Marks the page live once the circuit has rendered it (tests wait for data-live="on").</summary>
    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender && RendererInfo.IsInteractive)
        {
            _liveOn = true;
            StateHasChanged();
        }
    }

    [Microsoft.AspNetCore.Components.CascadingParameter]
    private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? AuthState { get; set; }

    [Microsoft.AspNetCore.Components.Inject]
    private Microsoft.Extensions.Options.IOptions<Dashboard.Security.AuthOptions> Auth { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        // The circuit itself only needs viewer access: this admin page checks the role on its own.
        _allowed = Auth.Value.IsNone || (AuthState is not null && (await AuthState).User.IsInRole(Dashboard.Security.AccessPolicy.RoleAdmin));
        if (!_allowed)
        {
            return;
        }
        _stored = await Store.GetAsync();
        _draft = new SettingsDraft(_stored);
    }

    private void Set(string field, string value)
    {
        _draft.Texts[field] = value;
        _draft.Errors.Remove(field);
    }

    private void SetEnabled(string rule, bool on) => _draft.Enabled[rule] = on;

    private RulePreviewSpec? BuiltInSpec(string key)
    {
        var rule = BuiltInRules.Get(key);
        var unit = RuleUnit.Of(rule);
        var p = $"rules.{key}";
        // The preview follows what is typed, not what is stored, so a threshold can be tried before it is saved.
        var setting = new RuleSetting
        {
            Threshold = unit.TryRead(_draft.Text(p + ".threshold"), out var t, out _) ? t : _stored.Rule(key).Threshold,
            WindowSeconds = DurationText.TryParse(_draft.Text(p + ".window_seconds"), out var w, out _) && w > 0 ? w : _stored.Rule(key).WindowSeconds,
        };
        return RulePreviewSpec.ForBuiltIn(key, setting);
    }

    private async Task SaveRulesAsync()
    {
        var built = _draft.BuildRules();
        if (built is null)
        {
            Snackbar.Add("Nothing was saved: some fields need attention.", MudBlazor.Severity.Error);
            return;
        }
        await SaveAsync(built, "Rules saved; they apply now.");
    }

    /// <summary>Saves a whole document; the store validates again, and its failures land on their fields.</summary>
    internal async Task<bool> SaveAsync(AlertSettings settings, string message)
    {
        var errors = await Store.SaveAsync(settings);
        if (errors.Count > 0)
        {
            _draft.AddErrors(errors);
            Snackbar.Add("Nothing was saved: some fields need attention.", MudBlazor.Severity.Error);
            return false;
        }
        _stored = await Store.GetAsync();
        _draft = new SettingsDraft(_stored);
        Snackbar.Add(message, MudBlazor.Severity.Success);
        StateHasChanged();
        return true;
    }
}
