using Bunit;
using Dashboard.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Dashboard.Tests.Components;

/// <summary>
/// Like <see cref="ComponentTest"/>, for components that need services of their own (stores, readers, options): a test
/// adds them first and then renders through <see cref="RenderInteractive{T}"/>, which sets the interactive renderer
/// (bUnit refuses new services once the renderer exists).
/// </summary>
public abstract class PageComponentTest : BunitContext, IAsyncLifetime
{
    protected PageComponentTest()
    {
        Services.AddMudServices();
        Services.AddScoped<ThemeState>();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    protected IRenderedComponent<T> RenderInteractive<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null)
        where T : IComponent
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", true));
        return Render(parameters);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();
}
