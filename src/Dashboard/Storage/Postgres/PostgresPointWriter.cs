using System.Runtime.InteropServices;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// The PostgreSQL hot path, same contract as <see cref="Sqlite.SqlitePointWriter"/>: every pending write of a batch in one
/// transaction, answered only after commit. A batch costs a fixed handful of round trips whatever its size: one
/// INSERT of all its event and content ids (ON CONFLICT DO NOTHING RETURNING tells which are new, safe against a
/// second instance inserting the same id), one binary COPY each for points, non-finite points and logs, and one
/// batch of upserts for the runs' counters and the rollups. Row-at-a-time INSERTs measured far slower than COPY here
/// (bench/README).
/// Token rollups depend on what is stored at a time (<see cref="Rollups.TokenEventTracker"/>, which remembers its own
/// commits): another instance writing the same run makes that memory stale. Each run's event count, which every
/// writer raises under the run's row lock, tells: the count this writer expects after its batch differs when anyone
/// else wrote the run since. Then the batch is written again with the run locked first and its times read afresh,
/// and the run is locked first from then on (two round trips instead of a retry).
/// </summary>
public sealed class PostgresPointWriter(NpgsqlDataSource dataSource, PostgresPartitions partitions, TimeProvider time) : IPointWriter
{
    private readonly Dictionary<string, long> _runIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _metricIds = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    // Per transaction: the rollup rows, event seconds and token rollups folded in memory, written once at commit.
    private readonly Rollups.RollupAccumulator _rollups = new();
    private readonly Rollups.TokenEventTracker _tokens = new();
    private readonly PostgresRollupWriter _rollupWriter = new();
    private readonly PostgresTokenVersions _versions = new();
    private NpgsqlConnection? _connection;

    /// <summary>Stores every pending write in one transaction; throws if nothing could be committed.</summary>
    public (WriteOutcome[] Outcomes, CommittedBatch Batch) Write(IReadOnlyList<PendingWrite> writes)
    {
        lock (_gate)
        {
            try
            {
                try
                {
                    return WriteLocked(writes);
                }
                catch (StaleRunException)
                {
                    ForgetRollups();
                    // Rolled back; with the caches dropped the runs are looked up (or created anew) by name.
                    _runIds.Clear();
                    return WriteLocked(writes);
                }
                catch (StaleTokenStateException)
                {
                    // Rolled back; the runs another writer touched are now in _shared, so this time they are locked first.
                    ForgetRollups();
                    return WriteLocked(writes);
                }
            }
            catch
            {
                ForgetRollups();
                // Ids cached during a rolled-back transaction may not exist in the database.
                _runIds.Clear();
                _metricIds.Clear();
                throw;
            }
        }
    }

    /// <summary>Runs <paramref name="work"/> on the writer's connection between two writes; the id caches are dropped after.</summary>
    public T RunExclusive<T>(Func<NpgsqlConnection, T> work)
    {
        lock (_gate)
        {
            try
            {
                return work(Open());
            }
            catch (NpgsqlException)
            {
                Reset();
                throw;
            }
            finally
            {
                _runIds.Clear();
                _metricIds.Clear();
                ForgetRollups();
            }
        }
    }

    private (WriteOutcome[] Outcomes, CommittedBatch Batch) WriteLocked(IReadOnlyList<PendingWrite> writes)
    {
        var connection = Open();
        partitions.Ensure(connection, DaysOf(writes));
        var now = Timestamps.ToMicros(time.GetUtcNow());
        using var tx = connection.BeginTransaction();
        var batch = new PostgresWriteBatch(connection, tx);
        var tokenTimes = new PostgresTokenTimes(connection, tx, _versions.Known);
        _rollups.Clear();
        var runIds = new long[writes.Count];
        var created = new HashSet<long>();
        for (var i = 0; i < writes.Count; i++)
        {
            (runIds[i], var isNew) = EnsureRun(connection, tx, writes[i].Run, writes[i].Project, now);
            if (isNew)
            {
                created.Add(runIds[i]);
            }
        }
        var fresh = batch.ClaimIds(IdsOf(writes, runIds));
        // Before any run is locked: inserting a name (or an id, above) may wait for another writer's uncommitted insert.
        foreach (var p in writes.SelectMany(w => w.Events).SelectMany(e => e.Points))
        {
            MetricId(connection, tx, p.Name);
        }
        var tokenRuns = PostgresTokenVersions.TokenRuns(writes, runIds);
        _versions.LockShared(batch, runIds, tokenRuns, _tokens);
        var outcomes = new WriteOutcome[writes.Count];
        var runs = new Dictionary<long, CommittedRun>();
        var touches = new Dictionary<long, RunTouch>();
        var keys = new Dictionary<(long Run, long Metric, string Key), (long Numeric, long Other)>();
        for (var i = 0; i < writes.Count; i++)
        {
            var runId = runIds[i];
            if (!runs.TryGetValue(runId, out var committed))
            {
                runs[runId] = committed = new CommittedRun(writes[i].Run, writes[i].Project, created.Contains(runId));
            }
            outcomes[i] = WriteOne(connection, tx, batch, writes[i], runId, committed, fresh, keys, touches, tokenTimes);
        }
        batch.CopyRows();
        var metricIds = runs.ToDictionary(r => r.Key, r => r.Value.Metrics.ToDictionary(m => m.Key, m => _metricIds[m.Key]));
        _tokens.FoldInto(_rollups);
        Dictionary<long, long> counts;
        var summaries = batch.Summaries();
        using (var counters = batch.Counters(runs, metricIds, keys, touches, now))
        {
            // After the runs' UPDATEs in the same round trip: the runs' rows are held, so a run's rollups are written by one
            // writer at a time. The reader skips statements that return no rows: after the runs' counts come the summary
            // time rows (when any), then the rollup cells (when any).
            var times = summaries.AddTo(counters);
            var cells = _rollupWriter.AddTo(counters, _rollups);
            using var reader = counters.ExecuteReader();
            counts = PostgresWriteBatch.ReadRunCounts(reader, touches.Count);
            if (times)
            {
                summaries.ReadTimes(reader);
                reader.NextResult();
            }
            if (cells)
            {
                _rollupWriter.ReadCells(reader);
            }
        }
        _versions.Check(tokenRuns, counts, touches);
        _rollupWriter.MergeMissed(connection, tx);
        summaries.WriteTimes(connection, tx);
        tx.Commit();
        _tokens.Committed();
        _rollupWriter.Committed();
        _versions.Committed(counts);
        foreach (var (runId, run) in runs)
        {
            // Live pages tell a commit their read already holds from a later one by this count (CommittedRun.RunEvents).
            run.RunEvents = counts.GetValueOrDefault(runId);
        }
        return (outcomes, new CommittedBatch([.. runs.Values]));
    }

    private void ForgetRollups()
    {
        _tokens.Reset();
        _versions.Reset();
        _rollupWriter.Reset();
    }

    private WriteOutcome WriteOne(NpgsqlConnection connection, NpgsqlTransaction tx, PostgresWriteBatch batch, PendingWrite write,
        long runId, CommittedRun committed, HashSet<(long, string)> fresh,
        Dictionary<(long, long, string), (long Numeric, long Other)> keys, Dictionary<long, RunTouch> touches, PostgresTokenTimes tokenTimes)
    {
        int accepted = 0, duplicates = 0, points = 0;
        long first = long.MaxValue, last = long.MinValue;
        // The lookups as delegates made once per request: a method group passed per point allocated two per point.
        Func<long, long> latestTokenTime = tokenTimes.Latest;
        Func<long, long, Rollups.TokenTimeState> storedTokenTime = tokenTimes.Stored;
        foreach (var e in write.Events)
        {
            // Remove: the first occurrence of a new id is stored, any later one in the same batch is a duplicate.
            if (e.Id is not null && !fresh.Remove((runId, e.Id)))
            {
                duplicates++;
                continue;
            }
            var stored = 0;
            foreach (var p in e.Points)
            {
                if (p.ContentId is not null && !fresh.Remove((runId, p.ContentId)))
                {
                    continue;
                }
                stored++;
                points++;
                var metricId = MetricId(connection, tx, p.Name);
                if (!double.IsFinite(p.Value))
                {
                    batch.AddNonFinite(runId, metricId, p);
                    continue;
                }
                if (Rollups.TokenEventTracker.Tracks(p.Name))
                {
                    // Before the COPY: a first look at this run and time reads what was stored there before.
                    _tokens.Add(runId, p.Timestamp, p.Name, p.Value, p.ModelName, latestTokenTime, storedTokenTime);
                }
                batch.AddPoint(runId, metricId, p);
                _rollups.Add(runId, metricId, p.Timestamp, p.ModelName, p.Value);
                if (!committed.Metrics.TryGetValue(p.Name, out var delta))
                {
                    committed.Metrics[p.Name] = delta = new MetricDelta();
                }
                delta.Add(p.Value, p.Timestamp, p.ModelName is not null);
                if (p.MetadataJson is not null && (p.Keys ?? MetadataKey.Parse(p.MetadataJson)) is { } parsed)
                {
                    foreach (var (key, kind) in parsed)
                    {
                        ref var c = ref CollectionsMarshal.GetValueRefOrAddDefault(keys, (runId, metricId, key), out _);
                        c = kind switch
                        {
                            MetadataKind.Numeric => (c.Numeric + 1, c.Other),
                            MetadataKind.Other => (c.Numeric, c.Other + 1),
                            _ => c,
                        };
                    }
                }
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
                batch.AddLog(runId, log);
                committed.Logs.Add(log);
                points++;
            }
            committed.AcceptedEvents.Add(e);
            first = Math.Min(first, e.Timestamp);
            last = Math.Max(last, e.Timestamp);
            accepted++;
        }
        committed.Events += accepted;
        ref var touch = ref CollectionsMarshal.GetValueRefOrAddDefault(touches, runId, out var exists);
        if (!exists)
        {
            touch = new RunTouch(0, long.MaxValue, long.MinValue);
        }
        touch = new RunTouch(touch.Events + accepted, Math.Min(touch.First, first), Math.Max(touch.Last, last));
        return new WriteOutcome(accepted, duplicates, points);
    }

    private static IEnumerable<long> DaysOf(IReadOnlyList<PendingWrite> writes)
    {
        var days = new HashSet<long>();
        foreach (var w in writes)
        {
            foreach (var e in w.Events)
            {
                foreach (var p in e.Points)
                {
                    days.Add(PostgresPartitions.DayOf(p.Timestamp));
                }
            }
        }
        return days;
    }

    private static List<(long Run, string Id)> IdsOf(IReadOnlyList<PendingWrite> writes, long[] runIds)
    {
        var ids = new List<(long, string)>();
        for (var i = 0; i < writes.Count; i++)
        {
            foreach (var e in writes[i].Events)
            {
                if (e.Id is not null)
                {
                    ids.Add((runIds[i], e.Id));
                }
                foreach (var p in e.Points)
                {
                    if (p.ContentId is not null)
                    {
                        ids.Add((runIds[i], p.ContentId));
                    }
                }
            }
        }
        return ids;
    }

    private (long Id, bool Created) EnsureRun(NpgsqlConnection connection, NpgsqlTransaction tx, string name, string project, long now)
    {
        if (_runIds.TryGetValue(name, out var id))
        {
            return (id, false);
        }
        using var insert = new NpgsqlCommand("""
            INSERT INTO runs (name, project, created_at, last_received_at) VALUES ($1, $2, $3, $3)
            ON CONFLICT (name) DO NOTHING RETURNING id
            """, connection, tx);
        insert.Parameters.Add(new NpgsqlParameter { Value = name });
        insert.Parameters.Add(new NpgsqlParameter { Value = project });
        insert.Parameters.Add(new NpgsqlParameter { Value = now });
        if (insert.ExecuteScalar() is long newId)
        {
            return (_runIds[name] = newId, true);
        }
        return (_runIds[name] = Find(connection, tx, "SELECT id FROM runs WHERE name = $1", name), false);
    }

    private static long Find(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, string name)
    {
        using var find = new NpgsqlCommand(sql, connection, tx);
        find.Parameters.Add(new NpgsqlParameter { Value = name });
        return (long)find.ExecuteScalar()!;
    }

    private long MetricId(NpgsqlConnection connection, NpgsqlTransaction tx, string name)
    {
        if (_metricIds.TryGetValue(name, out var id))
        {
            return id;
        }
        using var insert = new NpgsqlCommand("INSERT INTO metric_names (name) VALUES ($1) ON CONFLICT (name) DO NOTHING RETURNING id",
            connection, tx);
        insert.Parameters.Add(new NpgsqlParameter { Value = name });
        // A separate SELECT when the name exists: it sees a name another instance committed while this INSERT waited.
        return _metricIds[name] = insert.ExecuteScalar() is long newId
            ? newId
            : Find(connection, tx, "SELECT id FROM metric_names WHERE name = $1", name);
    }

    private NpgsqlConnection Open()
    {
        if (_connection is { State: System.Data.ConnectionState.Open })
        {
            return _connection;
        }
        _connection?.Dispose();
        _connection = dataSource.OpenConnection();
        return _connection;
    }

    /// <summary>Drops the connection after a failure so the next write starts clean.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _connection?.Dispose();
            _connection = null;
            _runIds.Clear();
            _metricIds.Clear();
            ForgetRollups();
            partitions.Forget();
        }
    }

    public void Dispose() => Reset();
}

/// <summary>What one batch changes on a run's row: events added and the range of their timestamps.</summary>
internal readonly record struct RunTouch(long Events, long First, long Last);
