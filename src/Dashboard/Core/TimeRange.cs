namespace Dashboard.Core;

/// <summary>
/// A closed time range in Unix microseconds: long.MinValue / long.MaxValue stand for an open end (the run's start
/// or "now and later"). <see cref="Label"/> is how answers and file names name it ("5m", "all", or a custom span).
/// </summary>
public sealed record TimeRange(string Label, long FromMicros, long ToMicros)
{
    public static readonly TimeRange All = new("all", long.MinValue, long.MaxValue);

    public bool HasFrom => FromMicros != long.MinValue;

    public bool HasTo => ToMicros != long.MaxValue;

    public bool IsCustom { get; init; }
}

/// <summary>A rejected field (query parameter, settings field): its name and a sentence saying what it must be (a 400 problem+json).</summary>
public sealed record FieldError(string Field, string Message);
