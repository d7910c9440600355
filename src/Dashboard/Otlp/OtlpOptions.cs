using Microsoft.Extensions.Options;

namespace Dashboard.Otlp;

/// <summary>Where GenAI generations are read from when a client sends both spans and metrics for the same calls.</summary>
public enum GenerationSource
{
    /// <summary>Each gen_ai span is one generation (exact duration, tokens, model, finish reasons); gen_ai metrics are kept as plain metrics.</summary>
    Spans,

    /// <summary>gen_ai.client.* metrics become generation_time and token points; gen_ai spans are not turned into generations.</summary>
    Metrics,
}

/// <summary>The OTLP receiver (configuration section <c>Otlp</c>).</summary>
public sealed class OtlpOptions
{
    public const string Section = "Otlp";

    /// <summary>The resource attribute that names the run. Default <c>service.name</c>.</summary>
    public string RunAttribute { get; set; } = "service.name";

    /// <summary>The resource attribute that names the project (default <c>service.namespace</c>; absent: "default").</summary>
    public string ProjectAttribute { get; set; } = "service.namespace";

    /// <summary>Whether gen_ai spans or gen_ai metrics become generations, so one call is never counted twice. Default Spans.</summary>
    public GenerationSource GenerationsFrom { get; set; } = GenerationSource.Spans;

    /// <summary>Serve OTLP/gRPC (HTTP/2 without TLS) on <see cref="GrpcPort"/>. Default false.</summary>
    public bool GrpcEnabled { get; set; }

    /// <summary>The OTLP/gRPC port; 4317 is the exporters' default. 0 picks a free port (tests).</summary>
    public int GrpcPort { get; set; } = 4317;

    /// <summary>Where the gRPC port listens: <c>localhost</c> (loopback, the default), <c>*</c> (every address) or an IP address.</summary>
    public string GrpcAddress { get; set; } = "localhost";
}

/// <summary>Checks every <see cref="OtlpOptions"/> key at start-up and reports all faults at once.</summary>
public sealed class OtlpOptionsValidator : IValidateOptions<OtlpOptions>
{
    public ValidateOptionsResult Validate(string? name, OtlpOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.RunAttribute))
        {
            failures.Add($"{OtlpOptions.Section}:RunAttribute must name a resource attribute.");
        }
        if (options.GrpcPort is < 0 or > 65535)
        {
            failures.Add($"{OtlpOptions.Section}:GrpcPort must be between 0 and 65535.");
        }
        if (options.GrpcAddress is not ("localhost" or "*") && !System.Net.IPAddress.TryParse(options.GrpcAddress, out _))
        {
            failures.Add($"{OtlpOptions.Section}:GrpcAddress must be localhost, * or an IP address.");
        }
        if (!Enum.IsDefined(options.GenerationsFrom))
        {
            failures.Add($"{OtlpOptions.Section}:GenerationsFrom must be Spans or Metrics.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
