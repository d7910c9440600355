namespace Dashboard.Live;

/// <summary>Live push settings (configuration section <c>Live</c>).</summary>
public sealed class LiveOptions
{
    public const string Section = "Live";

    /// <summary>How often committed data is pushed to browsers, in milliseconds (50 to 5000; default 250).</summary>
    [System.ComponentModel.DataAnnotations.Range(50, 5000, ErrorMessage = "Live:PushIntervalMilliseconds must be between 50 and 5000.")]
    public int PushIntervalMilliseconds { get; set; } = 250;
}
