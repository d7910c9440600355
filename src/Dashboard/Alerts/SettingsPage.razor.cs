using System.Globalization;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Alerts;

/// <summary>
/// /settings: plain server-rendered forms, one per concern. Each handler works on a copy of the stored
/// settings and saves only when the whole document validates; otherwise the posted values come back
/// with the failing fields named.
/// </summary>
public sealed partial class SettingsPage
{
    private AlertSettings _s = new();
    private List<FieldError> _errors = [];
    private Dictionary<string, string>? _posted;
    private string? _saved;

    [CascadingParameter] public HttpContext? HttpContext { get; set; }

    protected override async Task OnInitializedAsync() => _s = await Store.GetAsync();

    private Task SaveRulesAsync() => SubmitAsync((form, s, errors) =>
    {
        AlertSettingsForm.ApplyRules(form, s, errors);
        return "Rules saved.";
    });

    private Task AddCustomAsync() => SubmitAsync((form, s, errors) =>
    {
        AlertSettingsForm.AddCustomRule(form, s, errors);
        return $"Custom rule '{s.CustomRules[^1].Name}' added.";
    }, s => ($"custom_rules[{s.CustomRules.Count - 1}]", "new_rule"));

    private Task DeleteCustomAsync() => SubmitAsync((form, s, _) =>
    {
        var name = form["delete"].ToString();
        s.CustomRules.RemoveAll(r => r.Name == name);
        return $"Custom rule '{name}' deleted.";
    });

    private Task SetBaselineAsync() => SubmitAsync((form, s, errors) =>
    {
        AlertSettingsForm.SetBaseline(form, s, errors);
        return "Baseline saved.";
    }, s => ($"baselines[{s.Baselines.FindIndex(b => b.Pipeline == _posted!.GetValueOrDefault("new_baseline.pipeline", "").Trim())}]", "new_baseline"));

    private Task DeleteBaselineAsync() => SubmitAsync((form, s, _) =>
    {
        var pipeline = form["delete"].ToString();
        s.Baselines.RemoveAll(b => b.Pipeline == pipeline);
        return $"Baseline of '{pipeline}' deleted.";
    });

    private Task AddWebhookAsync() => SubmitAsync((form, s, _) =>
    {
        AlertSettingsForm.AddWebhook(form, s);
        return "Webhook added.";
    }, s => ($"webhooks[{s.Webhooks.Count - 1}]", "new_webhook"));

    private Task DeleteWebhookAsync() => SubmitAsync((form, s, _) =>
    {
        var url = form["delete"].ToString();
        s.Webhooks.RemoveAll(w => w.Url == url);
        return "Webhook deleted.";
    });

    private async Task SubmitAsync(Func<IFormCollection, AlertSettings, List<FieldError>, string> apply,
        Func<AlertSettings, (string From, string To)>? rename = null)
    {
        var form = await HttpContext!.Request.ReadFormAsync();
        _posted = form.Keys.ToDictionary(k => k, k => form[k].ToString(), StringComparer.Ordinal);
        var draft = AlertSettingsStore.Clone(_s);
        var errors = new List<FieldError>();
        var message = apply(form, draft, errors);
        // Report every failure at once: the unparsable fields, and whatever else the validator finds.
        errors.AddRange(AlertSettingsValidator.Validate(draft).Where(v => !errors.Any(p => p.Field == v.Field)));
        if (errors.Count == 0)
        {
            errors = await Store.SaveAsync(draft);
        }
        if (rename is not null)
        {
            var (from, to) = rename(draft);
            errors = AlertSettingsForm.Rename(errors, from + ".", to + ".");
        }
        _errors = errors;
        if (errors.Count == 0)
        {
            _s = await Store.GetAsync();
            _posted = null;
            _saved = message + " It applies at the next evaluation.";
        }
    }

    /// <summary>The posted value after a rejected submit, else the stored one.</summary>
    private string V(string field, object? stored) =>
        _posted is not null && _errors.Count > 0 && _posted.TryGetValue(field, out var v)
            ? v
            : Convert.ToString(stored, CultureInfo.InvariantCulture) ?? "";

    private bool On(string field, bool stored) =>
        _posted is not null && _errors.Count > 0 && _posted.ContainsKey("interval_seconds") ? _posted.ContainsKey(field) : stored;

    private string? Bad(string field) => _errors.Any(e => e.Field == field) ? "input-invalid" : null;
}
