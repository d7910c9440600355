using System.Text.Json.Serialization;

namespace Dashboard.Alerts;

/// <summary>
/// A silence as the API gives it. It matches an alert when every matcher it has agrees: rule (the rule key or its
/// family, so "pipeline_error_rate" covers every pipeline), run, and each label (rule, run, severity).
/// Active while starts_at &lt;= now &lt; ends_at.
/// </summary>
public sealed record Silence(
    long Id, string? Rule, string? Run, IReadOnlyDictionary<string, string>? Labels,
    DateTimeOffset StartsAt, DateTimeOffset EndsAt, string Reason, string? CreatedBy, DateTimeOffset CreatedAt,
    [property: JsonIgnore] DateTimeOffset AsOf)
{
    public const string Active = "active";
    public const string Pending = "pending";
    public const string Expired = "expired";

    public static readonly string[] States = [Active, Pending, Expired];

    /// <summary>The labels an alert can be silenced by.</summary>
    public static readonly string[] LabelNames = ["rule", "run", "severity"];

    public string State => StateAt(AsOf);

    public string StateAt(DateTimeOffset now) => now < StartsAt ? Pending : now < EndsAt ? Active : Expired;

    public bool IsActiveAt(DateTimeOffset now) => StartsAt <= now && now < EndsAt;

    public bool Matches(string rule, string? run, string severity)
    {
        if (Rule is not null && Rule != rule && Rule != AlertGroups.Family(rule))
        {
            return false;
        }
        if (Run is not null && Run != run)
        {
            return false;
        }
        foreach (var (name, value) in Labels ?? new Dictionary<string, string>())
        {
            var actual = name switch
            {
                "rule" => rule,
                "run" => run,
                "severity" => severity,
                _ => null,
            };
            if (actual != value)
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>The silences active at one moment, asked per alert; made once per evaluation or read.</summary>
public sealed class ActiveSilences(IReadOnlyList<Silence> silences, DateTimeOffset now)
{
    public static readonly ActiveSilences None = new([], DateTimeOffset.MinValue);

    /// <summary>The first active silence matching the alert, or null.</summary>
    public Silence? For(string rule, string? run, string severity) =>
        silences.FirstOrDefault(s => s.IsActiveAt(now) && s.Matches(rule, run, severity));
}
