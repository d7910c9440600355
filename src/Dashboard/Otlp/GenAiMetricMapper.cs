using Dashboard.Ingest;
using Dashboard.Otlp.Proto;
using Google.Protobuf.Collections;

namespace Dashboard.Otlp;

/// <summary>
/// gen_ai.client.operation.duration as generations (Otlp:GenerationsFrom=Metrics). A histogram point
/// holds n calls but not their single durations: it becomes n generations at the interval's mean
/// duration (count and mean exact, percentiles flattened), so success rate and model usage count
/// calls exactly as ingest does. error.type on the point makes its calls failed generations.
/// </summary>
internal static class GenAiMetricMapper
{
    public static void Generations(double count, double sum, ulong time, RepeatedField<KeyValue> attributes,
        IngestOptions limits, List<ExpandedEvent> events, OtlpBatch batch)
    {
        if (!TryTime(time, batch, out var ts))
        {
            return;
        }
        if (count <= 0)
        {
            return;
        }
        var n = (long)Math.Round(count);
        if (n > limits.MaxEventsPerBatch || !double.IsFinite(sum) || sum < 0)
        {
            batch.Reject(1, $"A {OtlpMetricsMapper.OperationDuration} point must hold at most Ingest:MaxEventsPerBatch ({limits.MaxEventsPerBatch}) new calls and a finite sum of at least 0; export more often.");
            return;
        }
        var mean = sum / n;
        var error = OtlpAttributes.String(attributes, "error.type");
        var model = OtlpAttributes.Model(attributes);
        for (var i = 0; i < n; i++)
        {
            var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "generation" };
            e.Points.Add(Tags(attributes, n).Point("generation_time", ts, mean));
            e.Points.Add(Tags(attributes, n).Point("success_rate", ts, error is null ? 1 : 0));
            if (error is not null)
            {
                e.Points.Add(Tags(attributes, n).Point("error_rate", ts, 1));
            }
            if (model is not null)
            {
                e.Points.Add(Tags(attributes, n).Point($"model_usage:{model}", ts, 1));
            }
            events.Add(e);
        }
    }

    public static bool TryTime(ulong nanos, OtlpBatch batch, out long micros)
    {
        if (OtlpNames.TryMicros(nanos, out micros))
        {
            return true;
        }
        batch.Reject(1, "Each data point needs time_unix_nano (not 0, before year 10000).");
        return false;
    }

    private static PointMetadata Tags(RepeatedField<KeyValue> attributes, long n)
    {
        var m = OtlpAttributes.Tags(new PointMetadata(), attributes);
        return n > 1 ? m.Tag("aggregated_calls", n) : m;
    }
}
