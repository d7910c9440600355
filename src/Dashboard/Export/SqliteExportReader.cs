using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using SQLitePCL;

namespace Dashboard.Export;

/// <summary>
/// Reads the export from SQLite on its own thread while the exporter writes on the caller's, so both cores work:
/// rows go into pooled batches (4,096 rows or 1 MiB of metadata) handed over through a bounded queue of
/// <see cref="QueuedBatches"/>, so memory stays a few MiB whatever the export's size. Cancelling the token, or
/// disposing the reader (the exporter failed or the client left), stops the reading thread; Dispose waits for it, so
/// the connection is never used after the source is disposed.
/// </summary>
public sealed class SqliteExportReader : IExportReader, IDisposable
{
    private const int QueuedBatches = 4;

    private const string MetricSql = """
        SELECT ts, value, model_name, metadata, rowid FROM points
        WHERE run_id = ?1 AND metric_id = ?2 AND ts >= ?3 AND ts <= ?4 ORDER BY ts
        """;

    private const string IndexOnlySql = """
        SELECT ts, value, model_name, NULL, rowid FROM points
        WHERE run_id = ?1 AND metric_id = ?2 AND ts >= ?3 AND ts <= ?4 ORDER BY ts
        """;

    private readonly ExportPlan _plan;
    private readonly BlockingCollection<ExportBatch> _full = new(QueuedBatches);
    private readonly BlockingCollection<ExportBatch> _free = new();
    private readonly CancellationTokenSource _stop;
    private readonly Task _producer;
    private readonly Dictionary<ExportMetric, int> _index = new(ReferenceEqualityComparer.Instance);
    private ExportDispatchState _state;
    private ExceptionDispatchInfo? _error;

    /// <summary>Starts reading at once. With <see cref="ExportPlan.TableOrder"/> one table scan gives every row in storage order.</summary>
    public SqliteExportReader(ExportSource source, long runId, ExportPlan plan, CancellationToken ct)
    {
        _plan = plan;
        for (var i = 0; i < plan.Metrics.Count; i++)
        {
            _index[plan.Metrics[i]] = i;
        }
        for (var i = 0; i < QueuedBatches + 2; i++)
        {
            _free.Add(new ExportBatch());
        }
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = _stop.Token;
        _producer = Task.Factory.StartNew(() => Produce(source, runId, token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public IEnumerable<ExportPoint> Points(ExportMetric metric)
    {
        if (_plan.TableOrder)
        {
            throw new InvalidOperationException("A table-order reader gives rows, not points per metric.");
        }
        var index = _index[metric];
        if (index < _state.Metric)
        {
            throw new InvalidOperationException("Metrics must be read in plan order.");
        }
        _state.Metric = index;
        while (Peek() is { } batch)
        {
            var i = _state.Position;
            var m = batch.Metric(i);
            if (m > index)
            {
                yield break;
            }
            _state.Position++;
            if (m == index)
            {
                yield return batch.Point(i);
            }
        }
    }

    public IEnumerable<ExportRow> Rows()
    {
        while (Peek() is { } batch)
        {
            var i = _state.Position++;
            yield return new ExportRow(_plan.Metrics[batch.Metric(i)], batch.Point(i));
        }
    }

    /// <summary>The batch holding the next row (returning finished batches to the pool), or null at the end.</summary>
    private ExportBatch? Peek()
    {
        while (_state.Batch is null || _state.Position >= _state.Batch.Count)
        {
            if (_state.Batch is { } done)
            {
                _free.Add(done);
                _state.Batch = null;
            }
            if (_state.Ended)
            {
                return null;
            }
            if (!_full.TryTake(out var next, Timeout.Infinite, _stop.Token))
            {
                _state.Ended = true;
                _error?.Throw();
                return null;
            }
            _state.Batch = next;
            _state.Position = 0;
        }
        return _state.Batch;
    }

    private void Produce(ExportSource source, long runId, CancellationToken ct)
    {
        try
        {
            var request = _plan.Request;
            var batch = _free.Take(ct);
            batch.Clear();
            var models = new Utf8StringCache();
            if (_plan.TableOrder)
            {
                var byId = _index.ToDictionary(kv => kv.Key.Id, kv => kv.Value);
                using var stmt = source.Prepare("""
                    SELECT ts, value, model_name, metadata, rowid, metric_id FROM points NOT INDEXED
                    WHERE run_id = ?1 AND ts >= ?2 AND ts <= ?3 ORDER BY rowid
                    """, runId, request.From, request.To);
                while (source.Step(stmt))
                {
                    if (byId.TryGetValue(raw.sqlite3_column_int64(stmt, 5), out var metric))
                    {
                        batch = Add(batch, stmt, metric, models, ct);
                    }
                }
            }
            else
            {
                for (var m = 0; m < _plan.Metrics.Count; m++)
                {
                    // A metric without metadata keys (none, or only empty objects) is read from the index alone.
                    var metric = _plan.Metrics[m];
                    using var stmt = source.Prepare(metric.Keys.Count == 0 ? IndexOnlySql : MetricSql, runId, metric.Id, request.From, request.To);
                    while (source.Step(stmt))
                    {
                        batch = Add(batch, stmt, m, models, ct);
                    }
                }
            }
            if (batch.Count > 0)
            {
                _full.Add(batch, ct);
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            _error = ExceptionDispatchInfo.Capture(ex);
        }
        finally
        {
            _full.CompleteAdding();
        }
    }

    private ExportBatch Add(ExportBatch batch, sqlite3_stmt stmt, int metric, Utf8StringCache models, CancellationToken ct)
    {
        var timestamp = raw.sqlite3_column_int64(stmt, 0);
        if (batch.IsFullBefore(metric, timestamp))
        {
            _full.Add(batch, ct);
            batch = _free.Take(ct);
            batch.Clear();
        }
        var model = raw.sqlite3_column_type(stmt, 2) == raw.SQLITE_NULL ? null : models.Get(raw.sqlite3_column_blob(stmt, 2));
        var metadata = raw.sqlite3_column_blob(stmt, 3); // empty for NULL: no metadata either way
        batch.Add(metric, timestamp, raw.sqlite3_column_double(stmt, 1), model, metadata, raw.sqlite3_column_int64(stmt, 4));
        return batch;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _producer.Wait();
        }
        catch (AggregateException)
        {
            // Cancelled, or failed: a failure was already rethrown to the exporter, if it was still reading.
        }
        _stop.Dispose();
        _full.Dispose();
        _free.Dispose();
    }

    private struct ExportDispatchState
    {
        public ExportBatch? Batch;
        public int Position;
        public int Metric;
        public bool Ended;
    }
}
