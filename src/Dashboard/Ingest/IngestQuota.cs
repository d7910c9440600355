using Dashboard.Storage;
using Microsoft.Extensions.Options;

namespace Dashboard.Ingest;

/// <summary>
/// Ingest:MaxRuns and Ingest:MaxMetricNamesPerRun, checked at the edge against cached counts
/// (loaded from the file once, then kept up to date here) so the writer's batch never fails for
/// one request's quota. Names are reserved when a request passes, before it commits: a request
/// that later fails leaves its reservation, which errs on the side of refusing.
/// </summary>
public sealed class IngestQuota(SqliteConnectionFactory connections, IOptions<IngestOptions> options)
{
    private readonly Lock _gate = new();
    private HashSet<string>? _runs;
    private readonly Dictionary<string, HashSet<string>> _metrics = new(StringComparer.Ordinal);

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
            if (!_metrics.TryGetValue(run, out var names))
            {
                names = newRun ? new HashSet<string>(StringComparer.Ordinal) : LoadMetricNames(run);
            }
            var added = new HashSet<string>(StringComparer.Ordinal);
            foreach (var e in events)
            {
                foreach (var p in e.Points)
                {
                    if (!names.Contains(p.Name) && added.Add(p.Name) && names.Count + added.Count > limits.MaxMetricNamesPerRun)
                    {
                        return new IngestRejection("events", $"Metric '{p.Name}' would be run '{run}''s metric name number {names.Count + added.Count}; Ingest:MaxMetricNamesPerRun allows {limits.MaxMetricNamesPerRun}.");
                    }
                }
            }
            names.UnionWith(added);
            _metrics[run] = names;
            runs.Add(run);
            return null;
        }
    }

    /// <summary>Called after a run was deleted, so its name and metrics no longer count.</summary>
    public void Forget(string run)
    {
        lock (_gate)
        {
            _runs?.Remove(run);
            _metrics.Remove(run);
        }
    }

    private HashSet<string> LoadRuns()
    {
        using var connection = connections.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT name FROM runs";
        using var reader = select.ExecuteReader();
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            set.Add(reader.GetString(0));
        }
        return set;
    }

    private HashSet<string> LoadMetricNames(string run)
    {
        using var connection = connections.Open();
        using var select = connection.CreateCommand();
        select.CommandText = """
            SELECT n.name FROM run_metrics m JOIN metric_names n ON n.id = m.metric_id
            WHERE m.run_id = (SELECT id FROM runs WHERE name = $r)
            """;
        select.Parameters.AddWithValue("$r", run);
        using var reader = select.ExecuteReader();
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            set.Add(reader.GetString(0));
        }
        return set;
    }
}
