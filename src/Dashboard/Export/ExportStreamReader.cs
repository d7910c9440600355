using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Dashboard.Storage;

namespace Dashboard.Export;

/// <summary>
/// Reads the export from storage (<see cref="IExportSnapshot"/>) on its own thread while the exporter writes on the caller's, so both cores work:
/// rows go into pooled batches (4,096 rows or 1 MiB of metadata) handed over through a bounded queue of
/// <see cref="QueuedBatches"/>, so memory stays a few MiB whatever the export's size. Cancelling the token, or
/// disposing the reader (the exporter failed or the client left), stops the reading thread; Dispose waits for it, so
/// the connection is never used after the source is disposed.
/// </summary>
public sealed class ExportStreamReader : IExportReader, IDisposable
{
    private const int QueuedBatches = 4;

    private readonly ExportPlan _plan;
    private readonly BlockingCollection<ExportBatch> _full = new(QueuedBatches);
    private readonly BlockingCollection<ExportBatch> _free = new();
    private readonly CancellationTokenSource _stop;
    private readonly Task _producer;
    private readonly Dictionary<ExportMetric, int> _index = new(ReferenceEqualityComparer.Instance);
    private ExportDispatchState _state;
    private ExceptionDispatchInfo? _error;

    /// <summary>Starts reading at once. With <see cref="ExportPlan.TableOrder"/> one table scan gives every row in storage order.</summary>
    public ExportStreamReader(ExportSource source, long runId, ExportPlan plan, CancellationToken ct)
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
            void Add(int metric, long timestamp, double value, string? model, ReadOnlySpan<byte> metadata, long order)
            {
                if (batch.IsFullBefore(metric, timestamp))
                {
                    _full.Add(batch, ct);
                    batch = _free.Take(ct);
                    batch.Clear();
                }
                batch.Add(metric, timestamp, value, model, metadata, order);
            }
            if (_plan.TableOrder)
            {
                source.Snapshot.ReadInStorageOrder(runId, _index.ToDictionary(kv => kv.Key.Id, kv => kv.Value), request.From, request.To, Add);
            }
            else
            {
                // A metric without metadata keys (none, or only empty objects) needs no metadata: SQLite reads it from the index alone.
                var metrics = _plan.Metrics.Select(m => new ExportSelection(m.Id, m.Keys.Count > 0)).ToList();
                source.Snapshot.ReadByMetric(runId, metrics, request.From, request.To, Add);
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
