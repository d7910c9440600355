
namespace Dashboard.Otlp;

/// <summary>
/// What one OTLP request becomes: events grouped by the run their resource names, and the items
/// refused with the first reasons (the partial_success answer).
/// </summary>
internal sealed class OtlpBatch
{
    private const int MaxMessages = 5;
    private readonly List<string> _messages = [];

    public Dictionary<(string Run, string Project), List<ExpandedEvent>> Runs { get; } = [];

    /// <summary>Items (data points, spans, log records) refused.</summary>
    public long Rejected { get; private set; }

    /// <summary>Items read, stored or not.</summary>
    public long Items { get; set; }

    public string? ErrorMessage => _messages.Count == 0 ? null : string.Join(" ", _messages);

    public List<ExpandedEvent> EventsOf(string run, string project)
    {
        if (!Runs.TryGetValue((run, project), out var list))
        {
            Runs[(run, project)] = list = [];
        }
        return list;
    }

    public void Reject(long count, string message)
    {
        Rejected += count;
        if (_messages.Count < MaxMessages && !_messages.Contains(message))
        {
            _messages.Add(message);
        }
    }
}
