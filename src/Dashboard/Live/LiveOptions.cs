namespace Dashboard.Live;

/// <summary>Live push settings (configuration section <c>Live</c>).</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>How often committed data is pushed to browsers, in milliseconds (50 to 5000; default 250).</summary>
    [System.ComponentModel.DataAnnotations.Range(50, 5000, ErrorMessage = "Live:PushIntervalMilliseconds must be between 50 and 5000.")]
    public int PushIntervalMilliseconds { get; set; } = 250;

    /// <summary>
    /// Points a run page's shared live fold may queue between two ticks (1,000 to 100,000,000; default 200,000). Past it the
    /// queue is dropped and the next tick re-reads the range from storage, so a fold that falls behind costs a read, not memory.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1_000, 100_000_000, ErrorMessage = "Live:PagePendingPoints must be between 1000 and 100000000.")]
    public long PagePendingPoints { get; set; } = 200_000;
}
