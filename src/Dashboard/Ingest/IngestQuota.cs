using Dashboard.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Ingest;

/// <summary>
/// Quotas on every client-chosen name (Ingest:MaxRuns and the Ingest:Max*PerRun keys), checked at the edge against
/// cached sets (loaded from the file once per run, then kept up to date here) so the writer's batch never fails for one
/// request's quota. A request over any quota is refused whole (409 naming the field and the key), so a batch is never
/// half-stored for a quota. Names are reserved when a request passes, before it commits: a request that later fails
/// leaves its reservation, which errs on the side of refusing.
/// </summary>
public sealed class IngestQuota(IRunNameReader reader, IOptions<IngestOptions> options)
{
    private readonly Lock _gate = new();
    private HashSet<string>? _runs;
    private readonly Dictionary<string, RunNameSets> _names = new(StringComparer.Ordinal);

    /// <summary>Null when the request fits; otherwise the rejection naming the field and the limit.</summary>
    public IngestRejection? TryReserve(string run, IReadOnlyList<ExpandedEvent> events)
    {
        var limits = options.Value;
        lock (_gate)
        {
            var runs = _runs ??= LoadRuns();
            var newRun = !runs.Contains(run);
            if (newRun && runs.Count >= limits.MaxRuns)
            {
                return new IngestRejection("run", $"The dashboard holds {runs.Count} runs, the most Ingest:MaxRuns ({limits.MaxRuns}) allows; delete old runs or raise the limit.");
            }
            if (!_names.TryGetValue(run, out var names))
            {
                names = newRun ? new RunNameSets() : RunNameSets.Load(reader, run);
            }
            var added = new Dictionary<NameKind, HashSet<string>>();
            var pointNames = new List<(NameKind Kind, string Name)>();
            foreach (var e in events)
            {
                foreach (var p in e.Points)
                {
                    RunNameSets.Collect(p, pointNames);
                    foreach (var (kind, name) in pointNames)
                    {
                        var held = names[kind];
                        if (held.Contains(name))
                        {
                            continue;
                        }
                        if (!added.TryGetValue(kind, out var fresh))
                        {
                            added[kind] = fresh = new HashSet<string>(StringComparer.Ordinal);
                        }
                        if (fresh.Add(name) && held.Count + fresh.Count > Limit(limits, kind))
                        {
                            return OverQuota(run, kind, name, held.Count + fresh.Count, Limit(limits, kind));
                        }
                    }
                }
            }
            foreach (var (kind, fresh) in added)
            {
                names[kind].UnionWith(fresh);
            }
            _names[run] = names;
            runs.Add(run);
            return null;
        }
    }

    /// <summary>Called after a run was deleted, so its name and its names no longer count.</summary>
    public void Forget(string run)
    {
        lock (_gate)
        {
            _runs?.Remove(run);
            _names.Remove(run);
        }
    }

    /// <summary>Drops every cached set (another instance may have changed runs): each is read again on next use.</summary>
    public void ForgetAll()
    {
        lock (_gate)
        {
            _runs = null;
            _names.Clear();
        }
    }

    internal static int Limit(IngestOptions limits, NameKind kind) => kind switch
    {
        NameKind.Metric => limits.MaxMetricNamesPerRun,
        NameKind.Model => limits.MaxModelNamesPerRun,
        NameKind.Label => limits.MaxLabelsPerRun,
        NameKind.Pipeline => limits.MaxPipelinesPerRun,
        NameKind.EvaluatorType => limits.MaxEvaluatorTypesPerRun,
        _ => limits.MaxMetadataKeysPerRun,
    };

    private static IngestRejection OverQuota(string run, NameKind kind, string name, int number, int limit)
    {
        var (field, what, key) = kind switch
        {
            NameKind.Metric => ("events", "metric name", "MaxMetricNamesPerRun"),
            NameKind.Model => ("model_name", "model name", "MaxModelNamesPerRun"),
            NameKind.Label => ("prediction", "prediction label", "MaxLabelsPerRun"),
            NameKind.Pipeline => ("pipeline", "pipeline", "MaxPipelinesPerRun"),
            NameKind.EvaluatorType => ("evaluator_type", "evaluator type", "MaxEvaluatorTypesPerRun"),
            _ => ("metadata", "metadata key", "MaxMetadataKeysPerRun"),
        };
        var shown = name.Length <= 60 ? name : name[..60] + "…";
        return new IngestRejection(field,
            $"'{shown}' would be run '{run}''s {what} number {number}; Ingest:{key} allows {limit}. Nothing of this request was stored.");
    }

    private HashSet<string> LoadRuns() => new(reader.GetRunNames(), StringComparer.Ordinal);
}
