namespace Dashboard.IntegrationTests.Ingest;

internal static class Ingest
{
    public static long Micros(string iso) => Dashboard.Core.Timestamps.TryParseIso(iso, out var m) ? m : throw new FormatException(iso);
}
