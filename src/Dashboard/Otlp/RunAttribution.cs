using System.Text;
using Dashboard.Otlp.Proto;

namespace Dashboard.Otlp;

/// <summary>
/// Which run (and project) a resource's telemetry belongs to: the run named by the request
/// (header <c>x-dashboard-run</c> or query <c>run</c>), else the resource attribute chosen by the
/// request (header <c>x-dashboard-run-attribute</c> or query <c>run_attribute</c>), else
/// Otlp:RunAttribute (default service.name). Attribute values are made into legal run names.
/// </summary>
internal sealed record RunAttribution(string? Run, string RunAttribute, string? ProjectAttribute, string? Project)
{
    public const string RunHeader = "x-dashboard-run";
    public const string RunAttributeHeader = "x-dashboard-run-attribute";
    public const string ProjectHeader = "x-dashboard-project";

    /// <summary>The attribution for one request, or the field at fault when an explicit name is not a legal one.</summary>
    public static (RunAttribution? Attribution, string? BadField) From(OtlpOptions options, Func<string, string?> read)
    {
        var run = read(RunHeader) ?? read("run");
        var attribute = read(RunAttributeHeader) ?? read("run_attribute");
        var project = read(ProjectHeader) ?? read("project");
        if (run is not null && !RunNameRule.IsValid(run))
        {
            return (null, "run");
        }
        if (project is not null && !RunNameRule.IsValid(project))
        {
            return (null, "project");
        }
        if (attribute is not null && (attribute.Length is 0 or > 256))
        {
            return (null, "run_attribute");
        }
        return (new RunAttribution(run, attribute ?? options.RunAttribute,
            string.IsNullOrWhiteSpace(options.ProjectAttribute) ? null : options.ProjectAttribute, project), null);
    }

    /// <summary>The run and project for a resource, or null when the resource does not carry the run attribute.</summary>
    public (string Run, string Project)? Resolve(Resource? resource)
    {
        var attributes = resource?.Attributes;
        var run = Run ?? (attributes is null ? null : Sanitize(OtlpAttributes.String(attributes, RunAttribute)));
        if (run is null)
        {
            return null;
        }
        var project = Project
            ?? (attributes is null || ProjectAttribute is null ? null : Sanitize(OtlpAttributes.String(attributes, ProjectAttribute)))
            ?? "default";
        return (run, project);
    }

    /// <summary>service.name values such as "my app" or "unknown_service:dotnet" become legal run names ("my_app").</summary>
    public static string? Sanitize(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        var b = new StringBuilder(Math.Min(value.Length, 128));
        foreach (var c in value)
        {
            if (b.Length == 128)
            {
                break;
            }
            b.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-' ? c : '_');
        }
        var name = b.ToString();
        return RunNameRule.IsValid(name) ? name : null;
    }
}
