using System.Globalization;
using System.Text.Json.Serialization;

namespace Dashboard.Client;

/// <summary>What counts towards a run's target.</summary>
public enum GoalTargetKind
{
    /// <summary>Successful generations.</summary>
    Samples,

    /// <summary>Accepted samples: evaluations whose <see cref="RunGoal.AcceptScore"/> meets the threshold.</summary>
    Accepted,
}

/// <summary>
/// A run's goal (README, "Run goals"): a target, a deadline, the run's own acceptance threshold and a budget. Sent as
/// the batch's <c>run_goal</c> with every batch until one carrying it is accepted; the dashboard keeps the last one it got.
/// Checked here as the server checks it, because a goal the server refuses would refuse the batch carrying it.
/// </summary>
public sealed record RunGoal
{
    /// <summary>Samples (or accepted samples) the run should produce: 1 to 10^12.</summary>
    public long? Target { get; init; }

    /// <summary>What counts towards <see cref="Target"/>; the server's default is <see cref="GoalTargetKind.Samples"/>.</summary>
    public GoalTargetKind? TargetKind { get; init; }

    /// <summary>When the run should be done; sent in UTC.</summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>The evaluation score that decides acceptance, e.g. <c>quality</c>.</summary>
    public string? AcceptScore { get; init; }

    /// <summary>The lowest accepted score; without it, the threshold set for that score name on the settings page.</summary>
    public double? AcceptMin { get; init; }

    /// <summary>The run's budget in the price table's currency (0 or more), for the budget alert rules.</summary>
    public double? Budget { get; init; }

    internal void Validate()
    {
        if (Target is < 1 or > 1_000_000_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Target), Target, "A target is a whole number from 1 to 10^12.");
        }
        if (Budget is { } budget && (!double.IsFinite(budget) || budget < 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Budget), budget, "A budget is a finite number of at least 0.");
        }
        if (AcceptMin is { } min && !double.IsFinite(min))
        {
            throw new ArgumentOutOfRangeException(nameof(AcceptMin), min, "The acceptance threshold must be finite.");
        }
        if (AcceptScore is not null && (string.IsNullOrWhiteSpace(AcceptScore) || AcceptScore.Length > 200 || AcceptScore.Any(char.IsControl)))
        {
            throw new ArgumentException("An acceptance score is a name of 1 to 200 characters.", nameof(AcceptScore));
        }
        if (Target is null && Deadline is null && AcceptScore is null && Budget is null)
        {
            throw new ArgumentException("A run goal needs at least a target, a deadline, an acceptance score or a budget.", nameof(Target));
        }
        if ((TargetKind == GoalTargetKind.Accepted || AcceptMin is not null) && AcceptScore is null)
        {
            throw new ArgumentException("Counting accepted samples, or an acceptance threshold, needs the score it applies to.", nameof(AcceptScore));
        }
    }

    /// <summary>The batch's <c>run_goal</c> object: snake_case, unset fields absent, the deadline as UTC ISO-8601.</summary>
    internal Wire ToWire() => new(Target, TargetKind switch
    {
        GoalTargetKind.Samples => "samples",
        GoalTargetKind.Accepted => "accepted",
        _ => null,
    }, Deadline?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), AcceptScore, AcceptMin, Budget);

    internal sealed record Wire(
        long? Target,
        [property: JsonPropertyName("target_kind")] string? TargetKind,
        string? Deadline,
        [property: JsonPropertyName("accept_score")] string? AcceptScore,
        [property: JsonPropertyName("accept_min")] double? AcceptMin,
        double? Budget);
}
