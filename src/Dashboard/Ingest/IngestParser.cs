using System.Text.Json;

namespace Dashboard.Ingest;

/// <summary>What one ingest request carries once validated: the valid events and a fault per invalid field.</summary>
public sealed record ParsedIngest(string Run, string Project, IReadOnlyList<ExpandedEvent> Events, IReadOnlyList<IngestError> Errors, int EventCount)
{
    /// <summary>The batch's <c>run_goal</c> (issue 16), saved once the batch is committed; null when absent.</summary>
    public RunGoal? RunGoal { get; init; }

    /// <summary>Each top-level field a typed event did not define (stored as metadata), once per batch, sorted.</summary>
    public IReadOnlyList<string>? IgnoredFields =>
        Events.Any(e => e.UnknownFields is not null)
            ? [.. Events.SelectMany(e => e.UnknownFields ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
            : null;
}

/// <summary>A request that cannot be taken at all: the field it names and why.</summary>
public sealed record IngestRejection(string Field, string Message, IReadOnlyList<IngestError>? Errors = null);

/// <summary>Turns an ingest body into valid expanded events and per-event faults; never throws on bad input.</summary>
internal static partial class IngestParser
{
    // Duplicate keys are refused: which value wins would otherwise be up to each reader of the metadata.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64, AllowDuplicateProperties = false };


    public static (ParsedIngest? Parsed, IngestRejection? Rejection) Parse(ReadOnlyMemory<byte> body, IngestOptions limits, long receivedAt)
    {
        // The reader checks UTF-8 only as it decodes a string; checking the whole body first keeps a
        // bad byte in 'run' (read before any event) from surfacing as an exception.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            return (null, new IngestRejection("body", "The body is not valid UTF-8."));
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(PythonJsonTokens.Quote(body), DocumentOptions);
        }
        catch (JsonException ex)
        {
            return (null, new IngestRejection("body", $"The body is not valid JSON: {ex.Message}"));
        }
        catch (ArgumentException ex)
        {
            // Invalid UTF-8 surfaces as ArgumentException in some paths of the reader.
            return (null, new IngestRejection("body", $"The body is not valid UTF-8 JSON: {ex.Message}"));
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, new IngestRejection("body", "The body must be a JSON object {run, project, events}."));
            }
            var (run, project, rejection) = ReadRunAndProject(root);
            if (rejection is not null)
            {
                return (null, rejection);
            }
            if (!root.TryGetProperty("events", out var events) || events.ValueKind != JsonValueKind.Array)
            {
                return (null, new IngestRejection("events", "'events' is required and must be an array of 1 or more events."));
            }
            RunGoal? goal = null;
            if (root.TryGetProperty("run_goal", out var goalElement) && goalElement.ValueKind != JsonValueKind.Null)
            {
                // A bad goal refuses the batch: storing the events without the goal the sender asked for would pass unnoticed.
                var (parsedGoal, goalErrors) = RunGoal.Parse(goalElement, "run_goal");
                if (parsedGoal is null)
                {
                    return (null, new IngestRejection(goalErrors[0].Field, goalErrors[0].Message));
                }
                goal = parsedGoal;
            }
            var count = events.GetArrayLength();
            if (count == 0 || count > limits.MaxEventsPerBatch)
            {
                return (null, new IngestRejection("events", $"'events' must hold 1 to {limits.MaxEventsPerBatch} events; it holds {count}."));
            }

            var errors = new List<IngestError>();
            var valid = new List<ExpandedEvent>(count);
            var index = 0;
            foreach (var element in events.EnumerateArray())
            {
                var expanded = ExpandSafely(new EventFields(element, index, limits, errors), receivedAt);
                if (expanded is not null)
                {
                    valid.Add(expanded);
                }
                index++;
            }
            if (valid.Count == 0)
            {
                return (null, new IngestRejection("events", "No event in the request is valid.", errors));
            }
            ContentIds.Assign(valid);
            return (new ParsedIngest(run!, project!, valid, errors, count) { RunGoal = goal }, null);
        }
    }

    /// <summary>Reads run and project from any JSON object (the ingest body or the import's query).</summary>
    private static (string? Run, string? Project, IngestRejection? Rejection) ReadRunAndProject(JsonElement root)
    {
        string? run = null;
        if (root.TryGetProperty("run", out var r) && r.ValueKind == JsonValueKind.String)
        {
            run = r.GetString();
        }
        if (!RunNameRule.IsValid(run))
        {
            return (null, null, new IngestRejection("run", "'run' is required: " + RunNameRule.Description + "."));
        }
        var project = "default";
        if (root.TryGetProperty("project", out var p) && p.ValueKind != JsonValueKind.Null)
        {
            if (p.ValueKind != JsonValueKind.String || !RunNameRule.IsValid(p.GetString()))
            {
                return (null, null, new IngestRejection("project", RunNameRule.Message("project")));
            }
            project = p.GetString()!;
        }
        return (run, project, null);
    }

    private static ExpandedEvent? ExpandSafely(EventFields fields, long receivedAt)
    {
        try
        {
            return EventExpander.Expand(fields, receivedAt);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            // A shape we did not foresee must cost this event only, never the request or a 500.
            fields.Fail("", $"The event could not be read: {ex.Message}");
            return null;
        }
    }
}
