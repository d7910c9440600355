using Microsoft.Extensions.Options;

namespace Dashboard.Otlp;

/// <summary>The OTLP receiver: /v1/metrics, /v1/traces, /v1/logs on the dashboard's port and OTLP/gRPC on its own.</summary>
public static class OtlpSetup
{
    public static WebApplicationBuilder AddOtlp(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OtlpOptions>().BindConfiguration(OtlpOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OtlpOptions>, OtlpOptionsValidator>();
        builder.Services.AddSingleton<CumulativeDeltas>();
        builder.Services.AddSingleton<OtlpReceiver>();
        builder.Services.AddSingleton<OtlpGrpcServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OtlpGrpcServer>());
        return builder;
    }

    public static WebApplication MapOtlp(this WebApplication app)
    {
        app.MapOtlpHttpEndpoints();
        return app;
    }
}
