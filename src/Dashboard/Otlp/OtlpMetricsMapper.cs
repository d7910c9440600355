using Dashboard.Ingest;
using Dashboard.Otlp.Proto;
using Google.Protobuf.Collections;

namespace Dashboard.Otlp;

/// <summary>
/// OTLP metrics into the points ingest makes: every data point becomes one event with one point named
/// as the metric (attributes as metadata; histograms keep count, sum and buckets). With
/// Otlp:GenerationsFrom=Metrics the GenAI client metrics become generations and token counts instead.
/// </summary>
internal sealed class OtlpMetricsMapper(OtlpOptions options, IngestOptions limits, CumulativeDeltas deltas, RunAttribution attribution)
{
    public const string OperationDuration = "gen_ai.client.operation.duration";
    public const string TokenUsage = "gen_ai.client.token.usage";
    public const string InputTokens = "gen_ai.client.inference.usage.input_tokens";
    public const string OutputTokens = "gen_ai.client.inference.usage.output_tokens";

    public OtlpBatch Map(ExportMetricsServiceRequest request)
    {
        var batch = new OtlpBatch();
        foreach (var resource in request.ResourceMetrics)
        {
            var target = attribution.Resolve(resource.Resource);
            foreach (var scope in resource.ScopeMetrics)
            {
                foreach (var metric in scope.Metrics)
                {
                    var count = DataPointCount(metric);
                    batch.Items += count;
                    if (target is not { } t)
                    {
                        batch.Reject(count, $"A resource has no '{attribution.RunAttribute}' attribute to name its run; send it or name the run with the x-dashboard-run header.");
                        continue;
                    }
                    if (!OtlpNames.IsValid(metric.Name, limits.MaxNameLength))
                    {
                        batch.Reject(count, $"Metric names must be 1 to {limits.MaxNameLength} characters without control characters.");
                        continue;
                    }
                    Map(metric, t.Run, batch.EventsOf(t.Run, t.Project), batch);
                }
            }
        }
        return batch;
    }

    private void Map(Metric metric, string run, List<ExpandedEvent> events, OtlpBatch batch)
    {
        var genAi = options.GenerationsFrom == GenerationSource.Metrics;
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                foreach (var p in metric.Gauge.DataPoints)
                {
                    Number(metric, p, null, events, batch);
                }
                break;
            case Metric.DataOneofCase.Sum:
                foreach (var p in metric.Sum.DataPoints)
                {
                    if (genAi && metric.Name is InputTokens or OutputTokens)
                    {
                        var v = p.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? p.AsInt : p.AsDouble;
                        var (_, sum) = deltas.Delta(run, metric.Name, p.Attributes, p.StartTimeUnixNano, metric.Sum.AggregationTemporality, v, v);
                        Tokens(metric.Name == InputTokens ? "input" : "output", sum, p.TimeUnixNano, p.Attributes, events, batch);
                        continue;
                    }
                    Number(metric, p, metric.Sum, events, batch);
                }
                break;
            case Metric.DataOneofCase.Histogram:
                foreach (var p in metric.Histogram.DataPoints)
                {
                    if (genAi && metric.Name is OperationDuration or TokenUsage or InputTokens or OutputTokens && p.HasSum)
                    {
                        var (n, sum) = deltas.Delta(run, metric.Name, p.Attributes, p.StartTimeUnixNano, metric.Histogram.AggregationTemporality, p.Count, p.Sum);
                        if (metric.Name == OperationDuration)
                        {
                            GenAiMetricMapper.Generations(n, sum, p.TimeUnixNano, p.Attributes, limits, events, batch);
                        }
                        else
                        {
                            var type = metric.Name switch { InputTokens => "input", OutputTokens => "output", _ => OtlpAttributes.String(p.Attributes, "gen_ai.token.type") };
                            Tokens(type, sum, p.TimeUnixNano, p.Attributes, events, batch);
                        }
                        continue;
                    }
                    Histogram(metric, p, events, batch);
                }
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                foreach (var p in metric.ExponentialHistogram.DataPoints)
                {
                    ExponentialHistogram(metric, p, events, batch);
                }
                break;
            case Metric.DataOneofCase.Summary:
                foreach (var p in metric.Summary.DataPoints)
                {
                    Summary(metric, p, events, batch);
                }
                break;
        }
    }

    private void Tokens(string? type, double sum, ulong time, RepeatedField<KeyValue> attributes, List<ExpandedEvent> events, OtlpBatch batch)
    {
        if (!GenAiMetricMapper.TryTime(time, batch, out var ts))
        {
            return;
        }
        var name = type switch { "input" => "prompt_token_count", "output" => "completion_token_count", _ => null };
        if (name is null || !double.IsFinite(sum) || sum < 0)
        {
            batch.Reject(1, "gen_ai token points need gen_ai.token.type input or output and a finite sum of at least 0.");
            return;
        }
        if (sum == 0)
        {
            return;
        }
        var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "metric" };
        e.Points.Add(OtlpAttributes.Tags(new PointMetadata(), attributes, "gen_ai.token.type").Point(name, ts, sum));
        // Both token kinds add to total_token_count, so the run's total is their sum as with ingest.
        e.Points.Add(OtlpAttributes.Tags(new PointMetadata(), attributes, "gen_ai.token.type").Point("total_token_count", ts, sum));
        events.Add(e);
    }

    private static void Number(Metric metric, NumberDataPoint p, Sum? sum, List<ExpandedEvent> events, OtlpBatch batch)
    {
        if ((p.Flags & 1) != 0)
        {
            return; // FLAG_NO_RECORDED_VALUE: a gap, not a value.
        }
        var value = p.ValueCase switch
        {
            NumberDataPoint.ValueOneofCase.AsInt => p.AsInt,
            NumberDataPoint.ValueOneofCase.AsDouble => p.AsDouble,
            _ => double.NaN,
        };
        if (!double.IsFinite(value))
        {
            batch.Reject(1, $"Data points of '{OtlpNames.Shorten(metric.Name)}' need a finite as_double or as_int.");
            return;
        }
        var metadata = OtlpAttributes.Tags(new PointMetadata(), p.Attributes);
        if (sum is not null)
        {
            metadata.Tag("temporality", Temporality(sum.AggregationTemporality)).Tag("monotonic", sum.IsMonotonic);
        }
        Add(metric, p.TimeUnixNano, value, metadata, events, batch);
    }

    private static void Histogram(Metric metric, HistogramDataPoint p, List<ExpandedEvent> events, OtlpBatch batch)
    {
        if ((p.Flags & 1) != 0 || p.Count == 0)
        {
            return;
        }
        if (!p.HasSum || !double.IsFinite(p.Sum) || p.BucketCounts.Count != 0 && p.BucketCounts.Count != p.ExplicitBounds.Count + 1)
        {
            batch.Reject(1, $"Histogram points of '{OtlpNames.Shorten(metric.Name)}' need a finite sum and one more bucket count than bounds.");
            return;
        }
        var metadata = OtlpAttributes.Tags(new PointMetadata(), p.Attributes)
            .Tag("count", (long)p.Count).Tag("sum", p.Sum);
        if (p.HasMin && double.IsFinite(p.Min))
        {
            metadata.Tag("min", p.Min);
        }
        if (p.HasMax && double.IsFinite(p.Max))
        {
            metadata.Tag("max", p.Max);
        }
        if (p.BucketCounts.Count > 0)
        {
            metadata.Tag("explicit_bounds", OtlpAttributes.NumbersToJson(p.ExplicitBounds.Where(double.IsFinite)))
                .Tag("bucket_counts", OtlpAttributes.NumbersToJson(p.BucketCounts));
        }
        metadata.Tag("temporality", Temporality(metric.Histogram.AggregationTemporality));
        Add(metric, p.TimeUnixNano, p.Sum / p.Count, metadata, events, batch);
    }

    private static void ExponentialHistogram(Metric metric, ExponentialHistogramDataPoint p, List<ExpandedEvent> events, OtlpBatch batch)
    {
        if ((p.Flags & 1) != 0 || p.Count == 0)
        {
            return;
        }
        if (!p.HasSum || !double.IsFinite(p.Sum))
        {
            batch.Reject(1, $"Exponential histogram points of '{OtlpNames.Shorten(metric.Name)}' need a finite sum.");
            return;
        }
        var metadata = OtlpAttributes.Tags(new PointMetadata(), p.Attributes)
            .Tag("count", (long)p.Count).Tag("sum", p.Sum).Tag("scale", p.Scale).Tag("zero_count", (long)p.ZeroCount);
        if (p.Positive is { } pos)
        {
            metadata.Tag("positive_offset", pos.Offset).Tag("positive_bucket_counts", OtlpAttributes.NumbersToJson(pos.BucketCounts));
        }
        if (p.Negative is { } neg)
        {
            metadata.Tag("negative_offset", neg.Offset).Tag("negative_bucket_counts", OtlpAttributes.NumbersToJson(neg.BucketCounts));
        }
        metadata.Tag("temporality", Temporality(metric.ExponentialHistogram.AggregationTemporality));
        Add(metric, p.TimeUnixNano, p.Sum / p.Count, metadata, events, batch);
    }

    private static void Summary(Metric metric, SummaryDataPoint p, List<ExpandedEvent> events, OtlpBatch batch)
    {
        if ((p.Flags & 1) != 0 || p.Count == 0)
        {
            return;
        }
        if (!double.IsFinite(p.Sum))
        {
            batch.Reject(1, $"Summary points of '{OtlpNames.Shorten(metric.Name)}' need a finite sum.");
            return;
        }
        var quantiles = p.QuantileValues.Where(q => double.IsFinite(q.Value))
            .GroupBy(q => q.Quantile.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => g.First().Value);
        var metadata = OtlpAttributes.Tags(new PointMetadata(), p.Attributes)
            .Tag("count", (long)p.Count).Tag("sum", p.Sum).Tag("quantiles", System.Text.Json.JsonSerializer.SerializeToElement(quantiles));
        Add(metric, p.TimeUnixNano, p.Sum / p.Count, metadata, events, batch);
    }

    private static void Add(Metric metric, ulong time, double value, PointMetadata metadata, List<ExpandedEvent> events, OtlpBatch batch)
    {
        if (!GenAiMetricMapper.TryTime(time, batch, out var ts))
        {
            return;
        }
        var e = new ExpandedEvent { Id = null, Timestamp = ts, Type = "metric" };
        e.Points.Add(metadata.Point(metric.Name, ts, value));
        events.Add(e);
    }

    private static string Temporality(AggregationTemporality t) => t switch
    {
        AggregationTemporality.Delta => "delta",
        AggregationTemporality.Cumulative => "cumulative",
        _ => "unspecified",
    };

    private static int DataPointCount(Metric m) => m.DataCase switch
    {
        Metric.DataOneofCase.Gauge => m.Gauge.DataPoints.Count,
        Metric.DataOneofCase.Sum => m.Sum.DataPoints.Count,
        Metric.DataOneofCase.Histogram => m.Histogram.DataPoints.Count,
        Metric.DataOneofCase.ExponentialHistogram => m.ExponentialHistogram.DataPoints.Count,
        Metric.DataOneofCase.Summary => m.Summary.DataPoints.Count,
        _ => 0,
    };
}
