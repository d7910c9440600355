namespace Dashboard.Otlp;

/// <summary>Name and time rules shared by the three OTLP signals, the same as ingest's.</summary>
internal static class OtlpNames
{
    public static bool IsValid(string? name, int maxLength) =>
        !string.IsNullOrEmpty(name) && name.Length <= maxLength && !name.Any(char.IsControl);

    public static string Shorten(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>Unix nanoseconds to the stored microseconds; 0 (unset) is refused as the OTLP specification asks.</summary>
    public static bool TryMicros(ulong nanos, out long micros)
    {
        micros = (long)(nanos / 1000);
        // Years 1970..9999, as ingest's timestamps.
        return nanos != 0 && micros <= 253_402_300_799_000_000L;
    }
}
