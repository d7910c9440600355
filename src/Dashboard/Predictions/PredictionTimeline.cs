using Dashboard.Components.Charts;

namespace Dashboard.Predictions;

/// <summary>
/// The predictions page's time buckets: predictions, summed confidence and errors per step over the chosen range.
/// Read from storage once per range; a live commit adds each new point to the bucket of its own time (work per new
/// point, not per stored point; <see cref="PredictionFold"/>), and a sliding range moves its buckets forward as time passes.
/// </summary>
public sealed class PredictionTimeline
{
    private const int MaxBuckets = 2000;
    private readonly long _step;
    private readonly bool _sliding;
    private long _from;
    private long[] _predictions;
    private double[] _confidence;
    private long[] _errors;

    public PredictionTimeline(long fromMicros, long toMicros, long stepMicros, bool sliding)
    {
        _step = Math.Max(1, stepMicros);
        _from = fromMicros - fromMicros % _step;
        _sliding = sliding;
        var n = (int)Math.Clamp((toMicros - _from) / _step + 1, 1, MaxBuckets);
        _predictions = new long[n];
        _confidence = new double[n];
        _errors = new long[n];
    }

    public long StepMicros => _step;

    public int Buckets => _predictions.Length;

    public long FromMicros => _from;

    public long ToMicros => _from + Buckets * _step;

    /// <summary>Storage's per-bucket counts and means for prediction_confidence and prediction_error.</summary>
    public void Load(IEnumerable<(long T, long Count, double Mean)> confidence, IEnumerable<(long T, long Count)> errors)
    {
        foreach (var (t, count, mean) in confidence)
        {
            if (Index(t) is { } i)
            {
                _predictions[i] += count;
                _confidence[i] += mean * count;
            }
        }
        foreach (var (t, count) in errors)
        {
            if (Index(t) is { } i)
            {
                _errors[i] += count;
            }
        }
    }

    /// <summary>Folds one commit: <paramref name="count"/> predictions with confidence sum <paramref name="sum"/> and <paramref name="errors"/> errors at time <paramref name="t"/>.</summary>
    public void Fold(long t, long count, double sum, long errors)
    {
        if (_sliding && t >= ToMicros)
        {
            Slide((int)((t - ToMicros) / _step) + 1);
        }
        else if (!_sliding && t >= ToMicros)
        {
            // "All" ends at the last point read: later points widen it (up to the bucket limit) rather than fall off.
            Grow((int)Math.Min((t - _from) / _step + 1, MaxBuckets));
        }
        if (Index(t) is { } i)
        {
            _predictions[i] += count;
            _confidence[i] += sum;
            _errors[i] += errors;
        }
    }

    private void Grow(int buckets)
    {
        if (buckets <= Buckets)
        {
            return;
        }
        Array.Resize(ref _predictions, buckets);
        Array.Resize(ref _confidence, buckets);
        Array.Resize(ref _errors, buckets);
    }

    private void Slide(int by)
    {
        by = Math.Min(by, Buckets);
        Array.Copy(_predictions, by, _predictions, 0, Buckets - by);
        Array.Copy(_confidence, by, _confidence, 0, Buckets - by);
        Array.Copy(_errors, by, _errors, 0, Buckets - by);
        Array.Clear(_predictions, Buckets - by, by);
        Array.Clear(_confidence, Buckets - by, by);
        Array.Clear(_errors, Buckets - by, by);
        _from += by * _step;
    }

    private int? Index(long t) => t < _from || t >= ToMicros ? null : (int)((t - _from) / _step);

    private double Ms(int i) => (_from + i * _step) / 1000.0;

    /// <summary>Predictions and errors per minute as bars, the error share as a line on its own axis.</summary>
    public ChartSpec RateChart()
    {
        var perMinute = 60_000_000.0 / _step;
        var predictions = Enumerable.Range(0, Buckets).Select(i => new ChartPoint(Ms(i), _predictions[i] * perMinute)).ToList();
        var errors = Enumerable.Range(0, Buckets).Select(i => new ChartPoint(Ms(i), _errors[i] * perMinute)).ToList();
        var share = Enumerable.Range(0, Buckets).Select(i => new ChartPoint(Ms(i),
            _predictions[i] + _errors[i] == 0 ? null : (double)_errors[i] / (_predictions[i] + _errors[i]))).ToList();
        return new ChartSpec(ChartKind.Bar, [
            new ChartSeries("Predictions", predictions),
            new ChartSeries("Errors", errors),
            new ChartSeries("Error rate", share, Axis: 1, Type: ChartKind.Line),
        ])
        {
            Axes = [new ChartAxis("Per minute", Units.PerMinute, Min: 0), new ChartAxis("Error rate", Units.Share, Min: 0, Max: 1, Opposite: true)],
            Time = new TimeSpanMs(_from / 1000.0, ToMicros / 1000.0),
            // Stacked, a bucket's bar takes its whole width: side by side, two bars of half a bucket were hairlines at 420 px.
            Stacked = true,
        };
    }

    /// <summary>Mean confidence per bucket (gaps where there were no predictions).</summary>
    public ChartSpec ConfidenceChart() =>
        new(ChartKind.Line, [new ChartSeries("Mean confidence", Enumerable.Range(0, Buckets)
            .Select(i => new ChartPoint(Ms(i), _predictions[i] == 0 ? null : _confidence[i] / _predictions[i])).ToList())])
        {
            Axes = [new ChartAxis("Confidence", Units.Share, Min: 0, Max: 1)],
            Time = new TimeSpanMs(_from / 1000.0, ToMicros / 1000.0),
        };

    public long TotalPredictions => _predictions.Sum();

    public long TotalErrors => _errors.Sum();
}
