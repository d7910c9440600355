using Microsoft.Extensions.Options;

namespace Dashboard.Core;

/// <summary>Limits on what <c>POST /api/v1/ingest</c> accepts (configuration section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Largest request body in bytes; larger bodies answer 413. Default 5 MB.</summary>
    public long MaxBodyBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Most events in one request. Default 10,000.</summary>
    public int MaxEventsPerBatch { get; set; } = 10_000;

    /// <summary>Requests that may wait for the writer before new ones answer 503 with Retry-After.</summary>
    public int QueueCapacity { get; set; } = 2_000;

    /// <summary>
    /// Points that may wait for the writer, over all queued requests, before new requests answer 503 with Retry-After
    /// (a request is always taken when nothing waits). Bounds the memory a writer that falls behind holds: parsed points
    /// waiting in memory are what the GC must mark. Default 500,000 (5 s at 100,000 points/s).
    /// </summary>
    public long QueuePoints { get; set; } = 500_000;

    /// <summary>Most points the writer commits in one transaction (group commit).</summary>
    public int MaxBatchPoints { get; set; } = 50_000;

    /// <summary>Longest name (metric, model, label, pipeline, evaluator) in characters.</summary>
    public int MaxNameLength { get; set; } = 200;

    /// <summary>Longest free text (messages, feedback, errors) in characters.</summary>
    public int MaxTextLength { get; set; } = 8_192;

    /// <summary>Deepest nesting allowed inside a metadata, data or context object.</summary>
    public int MaxMetadataDepth { get; set; } = 8;

    /// <summary>Largest metadata, data or context object, in bytes of JSON.</summary>
    public int MaxMetadataBytes { get; set; } = 16_384;

    /// <summary>Most runs the database may hold; a request creating one more answers 409. Default 10,000.</summary>
    public int MaxRuns { get; set; } = 10_000;

    /// <summary>Most distinct metric names one run may hold; a request adding more answers 409. Default 1,000.</summary>
    public int MaxMetricNamesPerRun { get; set; } = 1_000;

    /// <summary>Most distinct model names one run may hold (model_name fields and metadata). Default 200.</summary>
    public int MaxModelNamesPerRun { get; set; } = 200;

    /// <summary>Most distinct prediction labels one run may hold. Default 1,000.</summary>
    public int MaxLabelsPerRun { get; set; } = 1_000;

    /// <summary>Most distinct pipeline names one run may hold. Default 1,000.</summary>
    public int MaxPipelinesPerRun { get; set; } = 1_000;

    /// <summary>Most distinct evaluator types one run may hold. Default 200.</summary>
    public int MaxEvaluatorTypesPerRun { get; set; } = 200;

    /// <summary>Most distinct top-level metadata keys one run may hold (each is an export column). Default 500.</summary>
    public int MaxMetadataKeysPerRun { get; set; } = 500;
}

/// <summary>Checks every <see cref="IngestOptions"/> key at start-up and reports all faults at once.</summary>
public sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        var failures = new List<string>();
        Check(options.MaxBodyBytes is >= 1024 and <= 1L << 30, "MaxBodyBytes", "between 1024 and 1073741824");
        Check(options.MaxEventsPerBatch is >= 1 and <= 1_000_000, "MaxEventsPerBatch", "between 1 and 1000000");
        Check(options.QueueCapacity is >= 1 and <= 1_000_000, "QueueCapacity", "between 1 and 1000000");
        Check(options.QueuePoints is >= 1 and <= 1_000_000_000, "QueuePoints", "between 1 and 1000000000");
        Check(options.MaxBatchPoints is >= 1 and <= 10_000_000, "MaxBatchPoints", "between 1 and 10000000");
        Check(options.MaxNameLength is >= 16 and <= 4096, "MaxNameLength", "between 16 and 4096");
        Check(options.MaxTextLength is >= 16 and <= 1_048_576, "MaxTextLength", "between 16 and 1048576");
        Check(options.MaxMetadataDepth is >= 1 and <= 64, "MaxMetadataDepth", "between 1 and 64");
        Check(options.MaxMetadataBytes is >= 64 and <= 1_048_576, "MaxMetadataBytes", "between 64 and 1048576");
        Check(options.MaxRuns is >= 1 and <= 100_000_000, "MaxRuns", "between 1 and 100000000");
        Check(options.MaxMetricNamesPerRun is >= 1 and <= 1_000_000, "MaxMetricNamesPerRun", "between 1 and 1000000");
        Check(options.MaxModelNamesPerRun is >= 1 and <= 1_000_000, "MaxModelNamesPerRun", "between 1 and 1000000");
        Check(options.MaxLabelsPerRun is >= 1 and <= 1_000_000, "MaxLabelsPerRun", "between 1 and 1000000");
        Check(options.MaxPipelinesPerRun is >= 1 and <= 1_000_000, "MaxPipelinesPerRun", "between 1 and 1000000");
        Check(options.MaxEvaluatorTypesPerRun is >= 1 and <= 1_000_000, "MaxEvaluatorTypesPerRun", "between 1 and 1000000");
        Check(options.MaxMetadataKeysPerRun is >= 1 and <= 1_000_000, "MaxMetadataKeysPerRun", "between 1 and 1000000");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(bool ok, string key, string range)
        {
            if (!ok)
            {
                failures.Add($"{IngestOptions.Section}:{key} must be {range}.");
            }
        }
    }
}
