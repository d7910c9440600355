namespace Dashboard.Runs;

/// <summary>
/// The runs list's sparklines: events per minute over the last hour for the runs on screen, read from storage when
/// a run first appears and then kept current by folding each live commit's event count into the current minute
/// (work per commit, never a re-read).
/// </summary>
public sealed class RunsActivity(int minutes = 60)
{
    private readonly Dictionary<string, int[]> _counts = new(StringComparer.Ordinal);
    private long _endMinute;

    public int Minutes { get; } = minutes;

    public IReadOnlyList<int> Of(string run) => _counts.TryGetValue(run, out var c) ? c : Array.Empty<int>();

    /// <summary>The runs of <paramref name="shown"/> not held yet (to read from storage); forgets runs no longer shown.</summary>
    public IReadOnlyList<string> Missing(IEnumerable<string> shown, DateTimeOffset now)
    {
        Advance(now);
        var set = shown.ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _counts.Keys.Where(k => !set.Contains(k)).ToList())
        {
            _counts.Remove(gone);
        }
        return set.Where(r => !_counts.ContainsKey(r)).ToList();
    }

    /// <summary>Counts read from storage, ending at <paramref name="now"/>.</summary>
    public void Load(IReadOnlyDictionary<string, int[]> counts, DateTimeOffset now)
    {
        Advance(now);
        foreach (var (run, c) in counts)
        {
            _counts[run] = c.Length == Minutes ? (int[])c.Clone() : new int[Minutes];
        }
    }

    /// <summary>Folds a live commit of <paramref name="events"/> events of a shown run into the current minute.</summary>
    public bool Add(string run, int events, DateTimeOffset now)
    {
        Advance(now);
        if (!_counts.TryGetValue(run, out var c))
        {
            return false;
        }
        c[^1] += events;
        return true;
    }

    // Shifts every run's window so its last slot is the current minute.
    private void Advance(DateTimeOffset now)
    {
        var minute = now.ToUnixTimeSeconds() / 60;
        if (_endMinute == 0)
        {
            _endMinute = minute;
            return;
        }
        var shift = (int)Math.Min(Minutes, minute - _endMinute);
        if (shift <= 0)
        {
            return;
        }
        foreach (var c in _counts.Values)
        {
            Array.Copy(c, shift, c, 0, Minutes - shift);
            Array.Clear(c, Minutes - shift, shift);
        }
        _endMinute = minute;
    }
}
