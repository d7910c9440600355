using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Dashboard.Storage.Sqlite;

/// <summary>
/// The hot insert path: one long-lived connection and prepared statements, reused for every
/// transaction (EF Core's SaveChanges measured about ten times slower here). Written by the single
/// <c>Persistence.BatchWriter</c>; maintenance shares the connection through <see cref="RunExclusive"/>.
/// </summary>
public sealed class SqlitePointWriter(SqliteConnectionFactory connections, TimeProvider time) : IPointWriter
{
    private readonly Dictionary<string, long> _runIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _metricIds = new(StringComparer.Ordinal);
    // Per transaction: counts of numeric and other non-null values per (run, metric, metadata key), upserted at commit.
    private readonly Dictionary<(long Run, long Metric, string Key), (long Numeric, long Other)> _keys = [];
    private readonly Rollups.RollupAccumulator _rollups = new();
    private readonly Rollups.TokenEventTracker _tokens = new();
    private SqliteTokenTimes? _tokenTimes;
    // _tokenTimes' lookups as delegates made once per connection: a method group passed per point allocated two per point.
    private Func<long, long>? _latestTokenTime;
    private Func<long, long, Rollups.TokenTimeState>? _storedTokenTime;
    private SqliteConnection? _connection;
    private SqliteWriteStatements? _sql;
    private Sqlite.SqliteRollupWriter? _rollupWriter;
    private SqliteSummaryRollupWriter? _summaries;

    // Maintenance (run deletion, retention) runs on this connection under the same lock as Write,
    // so the run and metric ids cached here can never point at rows deleted behind the writer's back.
    private readonly Lock _gate = new();

    // Writes waiting for (or holding) the gate. Lock is not fair: a maintenance loop that re-takes it at once would
    // keep overtaking a waiting commit, so background chunks step aside while this is above zero (YieldToWrites).
    private int _writesWaiting;

    /// <summary>Writes waiting for or holding the connection (tests order a commit against maintenance chunks with it).</summary>
    internal int WritesWaiting => Volatile.Read(ref _writesWaiting);

    /// <summary>Stores every pending write in one transaction; throws if nothing could be committed.</summary>
    public (WriteOutcome[] Outcomes, CommittedBatch Batch) Write(IReadOnlyList<PendingWrite> writes)
    {
        Interlocked.Increment(ref _writesWaiting);
        try
        {
            lock (_gate)
            {
                return WriteLocked(writes);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _writesWaiting);
        }
    }

    /// <summary>
    /// Background maintenance calls this between two short chunks: it returns once no commit is waiting for the
    /// connection (or after <paramref name="maxWait"/>, so maintenance still progresses under endless ingest).
    /// </summary>
    public void YieldToWrites(TimeSpan maxWait)
    {
        var deadline = Environment.TickCount64 + (long)maxWait.TotalMilliseconds;
        var spin = new SpinWait();
        while (Volatile.Read(ref _writesWaiting) > 0 && Environment.TickCount64 < deadline)
        {
            spin.SpinOnce(sleep1Threshold: 10);
        }
    }

    /// <summary>Runs <paramref name="work"/> on the writer's connection between two writes; the id caches are dropped after.</summary>
    public T RunExclusive<T>(Func<SqliteConnection, T> work)
    {
        lock (_gate)
        {
            try
            {
                EnsureOpen();
                return work(_connection!);
            }
            catch (Exception ex) when (ex is SqliteException or IOException)
            {
                Reset();
                throw;
            }
            finally
            {
                _runIds.Clear();
                _metricIds.Clear();
                _tokens.Reset();
            }
        }
    }

    private (WriteOutcome[] Outcomes, CommittedBatch Batch) WriteLocked(IReadOnlyList<PendingWrite> writes)
    {
        EnsureOpen();
        var now = Timestamps.ToMicros(time.GetUtcNow());
        var outcomes = new WriteOutcome[writes.Count];
        var runs = new Dictionary<long, CommittedRun>();
        using var tx = _connection!.BeginTransaction();
        _keys.Clear();
        _rollups.Clear();
        _summaries!.Clear();
        // Where a slow transaction's time goes, when the runtime sampler is on (Hosting/RuntimeSampler).
        var cpu = RuntimeTimings.ThreadCpu();
        var step = RuntimeTimings.Start();
        try
        {
            _sql!.Use(tx);
            _tokenTimes!.Use(tx);
            for (var i = 0; i < writes.Count; i++)
            {
                outcomes[i] = WriteOne(writes[i], now, runs);
            }
            RuntimeTimings.Add(RuntimeTimings.Kind.WriteRows, step);
            step = RuntimeTimings.Start();
            foreach (var (runId, run) in runs)
            {
                foreach (var (name, delta) in run.Metrics)
                {
                    _sql.UpsertRunMetric(runId, _metricIds[name], delta);
                }
            }
            foreach (var ((runId, metricId, key), (numeric, other)) in _keys)
            {
                _sql.UpsertKey(runId, metricId, key, numeric, other);
            }
            _tokens.FoldInto(_rollups);
            _rollupWriter!.Write(tx, _rollups);
            _summaries.Write(tx);
            RuntimeTimings.Add(RuntimeTimings.Kind.WriteRollups, step);
            step = RuntimeTimings.Start();
            tx.Commit();
            RuntimeTimings.Add(RuntimeTimings.Kind.WriteCommit, step);
            RuntimeTimings.AddThreadCpu(RuntimeTimings.Kind.WriteCpu, RuntimeTimings.Kind.WriteRunQueue, cpu);
            _tokens.Committed();
        }
        catch
        {
            _tokens.Reset();
            // Ids cached during a rolled-back transaction may not exist in the file.
            _runIds.Clear();
            _metricIds.Clear();
            throw;
        }
        return (outcomes, new CommittedBatch([.. runs.Values]));
    }

    private WriteOutcome WriteOne(PendingWrite write, long now, Dictionary<long, CommittedRun> runs)
    {
        var (runId, created) = EnsureRun(write.Run, write.Project, now);
        if (!runs.TryGetValue(runId, out var committed))
        {
            runs[runId] = committed = new CommittedRun(write.Run, write.Project, created);
        }
        int accepted = 0, duplicates = 0, points = 0;
        long first = long.MaxValue, last = long.MinValue;
        foreach (var e in write.Events)
        {
            if (e.Id is not null && !_sql!.TryAddEventId(runId, e.Id))
            {
                duplicates++;
                continue;
            }
            var stored = 0;
            foreach (var p in e.Points)
            {
                // A point without an event id is stored once per content id: replays and backfills add nothing.
                if (p.ContentId is not null && !_sql!.TryAddEventId(runId, p.ContentId))
                {
                    continue;
                }
                stored++;
                var metricId = MetricId(p.Name);
                if (!double.IsFinite(p.Value))
                {
                    _sql!.InsertNonFinite(runId, metricId, p);
                    points++;
                    continue;
                }
                if (Rollups.TokenEventTracker.Tracks(p.Name))
                {
                    // Before the insert: a first look at this run and time reads what was stored there before.
                    _tokens.Add(runId, p.Timestamp, p.Name, p.Value, p.ModelName, _latestTokenTime!, _storedTokenTime!);
                }
                _sql!.InsertPoint(runId, metricId, p);
                _rollups.Add(runId, metricId, p.Timestamp, p.ModelName, p.Value);
                _summaries!.Add(runId, p);
                if (!committed.Metrics.TryGetValue(p.Name, out var delta))
                {
                    committed.Metrics[p.Name] = delta = new MetricDelta();
                }
                delta.Add(p.Value, p.Timestamp, p.ModelName is not null);
                if (p.MetadataJson is not null)
                {
                    CountKeys(runId, metricId, p.Keys ?? MetadataKey.Parse(p.MetadataJson));
                }
                points++;
            }
            if (stored == 0 && e.Points.Count > 0 && e.Log is null)
            {
                duplicates++;
                continue;
            }
            if (stored > 0)
            {
                _rollups.AddEvent(runId, e.Timestamp);
            }
            if (e.Log is { } log)
            {
                _sql!.InsertLog(runId, log);
                committed.Logs.Add(log);
                points++;
            }
            committed.AcceptedEvents.Add(e);
            first = Math.Min(first, e.Timestamp);
            last = Math.Max(last, e.Timestamp);
            accepted++;
        }
        committed.Events += accepted;
        committed.RunEvents = _sql!.TouchRun(runId, accepted, accepted > 0 ? first : null, accepted > 0 ? last : null, now);
        return new WriteOutcome(accepted, duplicates, points);
    }

    private void CountKeys(long runId, long metricId, MetadataKey[]? keys)
    {
        if (keys is null)
        {
            return;
        }
        foreach (var (key, kind) in keys)
        {
            ref var c = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, (runId, metricId, key), out _);
            if (kind == MetadataKind.Numeric)
            {
                c.Numeric++;
            }
            else if (kind == MetadataKind.Other)
            {
                c.Other++;
            }
        }
    }

    private (long Id, bool Created) EnsureRun(string name, string project, long now)
    {
        if (_runIds.TryGetValue(name, out var id))
        {
            return (id, false);
        }
        var (runId, created) = _sql!.EnsureRun(name, project, now);
        _runIds[name] = runId;
        return (runId, created);
    }

    private long MetricId(string name)
    {
        if (!_metricIds.TryGetValue(name, out var id))
        {
            _metricIds[name] = id = _sql!.EnsureMetric(name);
        }
        return id;
    }

    private void EnsureOpen()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            return;
        }
        _sql?.Dispose();
        _rollupWriter?.Dispose();
        _tokenTimes?.Dispose();
        _connection?.Dispose();
        _connection = connections.Open();
        _sql = new SqliteWriteStatements(_connection);
        _rollupWriter = new Sqlite.SqliteRollupWriter(_connection);
        _summaries?.Dispose();
        _summaries = new SqliteSummaryRollupWriter(_connection);
        _tokenTimes = new SqliteTokenTimes(_connection);
        _latestTokenTime = _tokenTimes.Latest;
        _storedTokenTime = _tokenTimes.Stored;
    }

    /// <summary>Drops the connection after a failure so the next write starts clean (disk freed, lock gone).</summary>
    public void Reset()
    {
        _sql?.Dispose();
        _rollupWriter?.Dispose();
        _tokenTimes?.Dispose();
        _connection?.Dispose();
        _sql = null;
        _rollupWriter = null;
        _summaries?.Dispose();
        _summaries = null;
        _tokenTimes = null;
        _tokens.Reset();
        _connection = null;
        _runIds.Clear();
        _metricIds.Clear();
    }

    public void Dispose() => Reset();
}
