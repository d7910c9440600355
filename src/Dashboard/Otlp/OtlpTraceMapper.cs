using Dashboard.Ingest;
using Dashboard.Otlp.Proto;

namespace Dashboard.Otlp;

/// <summary>
/// OTLP spans into generations: a span that calls a model (gen_ai.request.model or gen_ai.response.model;
/// tool and agent spans are not calls) becomes one generation event, as ingest's <c>generation</c> type
/// expands it. Its span id is the event id, so an exporter's retry is stored once. Span events named
/// gen_ai.evaluation.result become evaluation scores. Other spans are acknowledged and not stored.
/// </summary>
internal sealed class OtlpTraceMapper(OtlpOptions options, IngestOptions limits, RunAttribution attribution)
{
    private static readonly string[] NotCalls = ["execute_tool", "invoke_agent", "create_agent"];

    public OtlpBatch Map(ExportTraceServiceRequest request)
    {
        var batch = new OtlpBatch();
        foreach (var resource in request.ResourceSpans)
        {
            var target = attribution.Resolve(resource.Resource);
            foreach (var scope in resource.ScopeSpans)
            {
                batch.Items += scope.Spans.Count;
                if (target is not { } t)
                {
                    batch.Reject(scope.Spans.Count, $"A resource has no '{attribution.RunAttribute}' attribute to name its run; send it or name the run with the x-dashboard-run header.");
                    continue;
                }
                var events = batch.EventsOf(t.Run, t.Project);
                foreach (var span in scope.Spans)
                {
                    Map(span, events, batch);
                }
            }
        }
        return batch;
    }

    private void Map(Span span, List<ExpandedEvent> events, OtlpBatch batch)
    {
        if (!OtlpNames.TryMicros(span.StartTimeUnixNano, out var start) || !OtlpNames.TryMicros(span.EndTimeUnixNano, out var end) || end < start)
        {
            batch.Reject(1, "Each span needs start_time_unix_nano and end_time_unix_nano (not 0, end not before start).");
            return;
        }
        var id = SpanId(span);
        if (options.GenerationsFrom == GenerationSource.Spans && IsModelCall(span))
        {
            var generation = Generation(span, id, start, end, batch);
            if (generation is null)
            {
                return;
            }
            events.Add(generation);
        }
        for (var i = 0; i < span.Events.Count; i++)
        {
            var e = span.Events[i];
            if (e.Name == GenAiEvaluation.EventName
                && GenAiEvaluation.Map(e.Attributes, OtlpNames.TryMicros(e.TimeUnixNano, out var ts) ? ts : end,
                    id is null ? null : $"{id}:eval:{i}", limits, batch) is { } evaluation)
            {
                events.Add(evaluation);
            }
        }
    }

    private static bool IsModelCall(Span span) =>
        OtlpAttributes.Model(span.Attributes) is not null
        && Array.IndexOf(NotCalls, OtlpAttributes.String(span.Attributes, "gen_ai.operation.name")) < 0;

    private ExpandedEvent? Generation(Span span, string? id, long start, long end, OtlpBatch batch)
    {
        var a = span.Attributes;
        var model = OtlpAttributes.Model(a)!;
        var reasons = OtlpAttributes.Strings(a, "gen_ai.response.finish_reasons");
        if (!OtlpNames.IsValid("model_usage:" + model, limits.MaxNameLength) || reasons.Any(r => !OtlpNames.IsValid("finish_reason:" + r, limits.MaxNameLength)))
        {
            batch.Reject(1, $"Model names and finish reasons must be at most Ingest:MaxNameLength ({limits.MaxNameLength}) characters with their prefix, without control characters.");
            return null;
        }
        var errorType = OtlpAttributes.String(a, "error.type");
        var failed = span.Status?.Code == Status.Types.StatusCode.Error || errorType is not null;
        var e = new ExpandedEvent { Id = id, Timestamp = end, Type = "generation" };
        // One metadata object for all of the span's points: built once, shared (a span gives about seven points).
        var tags = new PointMetadata().Tag("operation", OtlpAttributes.String(a, "gen_ai.operation.name"));
        if ((OtlpAttributes.String(a, "gen_ai.provider.name") ?? OtlpAttributes.String(a, "gen_ai.system")) is { } provider)
        {
            tags.Tag("provider", provider);
        }
        tags.Tag("span", span.Name);
        if (span.TraceId.Length > 0)
        {
            tags.Tag("trace_id", Convert.ToHexStringLower(span.TraceId.Span));
        }
        var json = tags.ToJson(out var keys);
        MetricPoint Point(string name, double value, string? modelName = null) => new(name, end, value, modelName, json, keys);

        e.Points.Add(Point("generation_time", (end - start) / 1e6));
        e.Points.Add(Point("success_rate", failed ? 0 : 1));
        if (failed)
        {
            var error = errorType ?? (string.IsNullOrEmpty(span.Status?.Message) ? "error" : span.Status!.Message);
            tags.Tag("error", error.Length > limits.MaxTextLength ? error[..limits.MaxTextLength] : error);
            e.Points.Add(tags.Point("error_rate", end, 1));
        }
        e.Points.Add(Point($"model_usage:{model}", 1));
        foreach (var reason in reasons)
        {
            e.Points.Add(Point($"finish_reason:{reason}", 1));
        }
        var input = OtlpAttributes.Number(a, "gen_ai.usage.input_tokens");
        var output = OtlpAttributes.Number(a, "gen_ai.usage.output_tokens");
        if (input is >= 0)
        {
            e.Points.Add(Point("prompt_token_count", input.Value, model));
        }
        if (output is >= 0)
        {
            e.Points.Add(Point("completion_token_count", output.Value, model));
        }
        if (input is >= 0 || output is >= 0)
        {
            e.Points.Add(Point("total_token_count", Math.Max(0, input ?? 0) + Math.Max(0, output ?? 0), model));
        }
        return e;
    }

    private static string? SpanId(Span span) => span.SpanId.Length == 0 ? null
        : "otlp:" + Convert.ToHexStringLower(span.TraceId.Span) + ":" + Convert.ToHexStringLower(span.SpanId.Span);
}
