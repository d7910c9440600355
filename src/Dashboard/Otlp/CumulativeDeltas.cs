using System.Text;
using Dashboard.Otlp.Proto;
using Google.Protobuf.Collections;

namespace Dashboard.Otlp;

/// <summary>
/// Turns cumulative OTLP points into the change since the previous point of the same series, so that
/// gen_ai metrics become per-interval calls and tokens. Only used when Otlp:GenerationsFrom=Metrics.
/// Kept in memory: after a restart the first cumulative point of a series counts from its start time.
/// </summary>
internal sealed class CumulativeDeltas
{
    // The OTel .NET SDK keeps at most 2,000 series per metric by default; this bounds memory the same way.
    private const int MaxSeries = 100_000;
    private readonly Dictionary<string, (ulong Start, double Count, double Sum)> _last = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The change in (count, sum) since the last point of this series; a reset (new start, smaller count) counts from zero.</summary>
    public (double Count, double Sum) Delta(string run, string metric, RepeatedField<KeyValue> attributes, ulong start,
        AggregationTemporality temporality, double count, double sum)
    {
        if (temporality != AggregationTemporality.Cumulative)
        {
            return (count, sum);
        }
        var key = SeriesKey(run, metric, attributes);
        lock (_gate)
        {
            if (_last.Count >= MaxSeries && !_last.ContainsKey(key))
            {
                _last.Clear();
            }
            var had = _last.TryGetValue(key, out var previous);
            _last[key] = (start, count, sum);
            if (!had || previous.Start != start || count < previous.Count)
            {
                return (count, sum);
            }
            return (count - previous.Count, sum - previous.Sum);
        }
    }

    private static string SeriesKey(string run, string metric, RepeatedField<KeyValue> attributes)
    {
        var b = new StringBuilder(run).Append('\0').Append(metric);
        foreach (var kv in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            b.Append('\0').Append(kv.Key).Append('=').Append(kv.Value?.ToString());
        }
        return b.ToString();
    }
}
