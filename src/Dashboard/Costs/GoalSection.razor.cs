using Dashboard.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace Dashboard.Costs;

/// <summary>The goal card and its dialog; saving writes through the same store and parser as PUT /api/v1/runs/{run}/goal.</summary>
public sealed partial class GoalSection
{
    private GoalDraft _draft = new();
    private bool _open;
    private bool _mayEdit;

    [Parameter, EditorRequired] public string Run { get; set; } = "";

    [Parameter] public GoalProgress? Progress { get; set; }

    /// <summary>Raised after a save or clear, so the section re-reads progress.</summary>
    [Parameter] public EventCallback Changed { get; set; }

    [CascadingParameter] private Task<AuthenticationState>? AuthState { get; set; }

    [Inject] private IOptions<AuthOptions> Auth { get; set; } = default!;

    /// <summary>Setting a goal is an admin action, like the PUT it mirrors.</summary>
    private bool CanEdit => Auth.Value.IsNone || _mayEdit;

    protected override async Task OnInitializedAsync()
    {
        if (AuthState is not null)
        {
            _mayEdit = (await AuthState).User.IsInRole(AccessPolicy.RoleAdmin);
        }
    }

    private void Open()
    {
        _draft = GoalDraft.From(Progress?.Goal);
        _open = true;
    }

    private async Task SaveAsync()
    {
        if (_draft.Build() is not { } goal)
        {
            return;
        }
        if (await Reader.GetRunAsync(Run, CancellationToken.None) is not { } run)
        {
            Snackbar.Add("The run no longer exists; nothing was saved.", Severity.Error);
            return;
        }
        await Store.SaveGoalAsync(run.Id, goal, CancellationToken.None);
        _open = false;
        Snackbar.Add("Goal saved.", Severity.Success);
        await Changed.InvokeAsync();
    }

    private async Task ClearAsync()
    {
        if (await Dialogs.ShowMessageBoxAsync("Clear goal", $"Remove the goal of {Run}? Its points stay.", yesText: "Clear", cancelText: "Cancel") != true)
        {
            return;
        }
        if (await Reader.GetRunAsync(Run, CancellationToken.None) is { } run)
        {
            await Store.DeleteGoalAsync(run.Id, CancellationToken.None);
            Snackbar.Add("Goal cleared.", Severity.Success);
        }
        await Changed.InvokeAsync();
    }
}
