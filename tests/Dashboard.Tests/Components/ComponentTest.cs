using Bunit;
using Dashboard.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Dashboard.Tests.Components;

/// <summary>
/// Base for bUnit tests of interactive components: MudBlazor services, the theme state, loose JS interop
/// (the chart module's calls are recorded, not run) and an interactive server renderer. xunit 2 disposes
/// synchronously, which MudBlazor's async-only services refuse, hence IAsyncLifetime (shared/DEPENDENCIES.md).
/// </summary>
public abstract class ComponentTest : BunitContext, IAsyncLifetime
{
    protected ComponentTest()
    {
        Services.AddMudServices();
        Services.AddScoped<ThemeState>();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Renderer.SetRendererInfo(new RendererInfo("Server", true));
    }

    /// <summary>The chart module as the components import it; its calls are recorded in <c>Invocations</c>.</summary>
    protected BunitJSModuleInterop ChartModule => JSInterop.SetupModule("./js/apex-interop.js");

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();
}
