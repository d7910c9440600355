
namespace Dashboard.Metrics;

/// <summary>
/// The dashboard's own health as the writer and ingest see it: commit latency, storage errors and
/// rejected events. The writer calls <see cref="Committed"/> once per transaction (after commit), which also
/// folds the batch into the per-run series.
/// </summary>
public sealed class WriterMetrics(RunMetricsFolder runs)
{
    /// <summary>Upper bounds (seconds) of the commit-latency histogram; +Inf is implied.</summary>
    public static readonly double[] CommitBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>Why events were refused: invalid (a 207 or 400 answer), limit (409), queue_full and storage (503), rate_limited (429).</summary>
    public static readonly string[] RejectReasons = ["invalid", "limit", "queue_full", "storage", "rate_limited"];

    private readonly Lock _gate = new();
    private readonly long[] _commitBuckets = new long[CommitBuckets.Length];
    private readonly long[] _rejected = new long[RejectReasons.Length];
    private double _commitSum;
    private long _commitCount;
    private long _storageErrors;

    public void Committed(CommittedBatch batch, TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds;
        lock (_gate)
        {
            var i = Array.BinarySearch(CommitBuckets, seconds);
            i = i >= 0 ? i : ~i;
            if (i < CommitBuckets.Length)
            {
                _commitBuckets[i]++;
            }
            _commitSum += seconds;
            _commitCount++;
        }
        runs.Fold(batch);
    }

    public void StorageFailed() => Interlocked.Increment(ref _storageErrors);

    public void Rejected(string reason, int events)
    {
        var i = Array.IndexOf(RejectReasons, reason);
        if (i < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "Unknown reject reason.");
        }
        if (events > 0)
        {
            Interlocked.Add(ref _rejected[i], events);
        }
    }

    public void WriteTo(PrometheusTextWriter w, int queueDepth, bool storageFailing)
    {
        w.Family("dashboard_write_queue_depth", "gauge", "Ingest requests waiting for the writer.");
        w.Sample("dashboard_write_queue_depth", [], queueDepth);

        w.Family("dashboard_commit_duration_seconds", "histogram", "Time of one writer transaction (points, rollups, commit).");
        lock (_gate)
        {
            w.Histogram("dashboard_commit_duration_seconds", [], CommitBuckets, _commitBuckets, _commitSum, _commitCount);
        }

        w.Family("dashboard_ingest_rejected_events_total", "counter",
            "Events refused at ingest, by reason: invalid (bad fields), limit (run or metric-name cap), queue_full, storage (database unavailable).");
        for (var i = 0; i < RejectReasons.Length; i++)
        {
            w.Sample("dashboard_ingest_rejected_events_total", [new("reason", RejectReasons[i])], Interlocked.Read(ref _rejected[i]));
        }

        w.Family("dashboard_storage_errors_total", "counter", "Writer transactions that failed (locked, full, read-only or missing database).");
        w.Sample("dashboard_storage_errors_total", [], Interlocked.Read(ref _storageErrors));

        w.Family("dashboard_storage_failing", "gauge", "1 while the last write failed and ingest answers 503, else 0.");
        w.Sample("dashboard_storage_failing", [], storageFailing ? 1 : 0);
    }
}
