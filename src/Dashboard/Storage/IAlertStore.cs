namespace Dashboard.Storage;

/// <summary>Filters of an alert list; null means any. Newest first.</summary>
public sealed record AlertFilter(string? Rule = null, string? Run = null, string? Severity = null, string? State = null);

/// <summary>What an alert edit adds and removes, besides changing the rows it was given.</summary>
public interface IAlertEdits
{
    void Add(AlertEntity alert);

    void Remove(AlertEntity alert);
}

/// <summary>
/// The alerts table. The Alerts feature decides every state change (rules, lifecycle, silences); storage loads the rows
/// it asks for, saves what it changed in one transaction, and keeps at most a number of alerts per run.
/// </summary>
public interface IAlertStore
{
    /// <summary>
    /// Loads the alerts in <paramref name="states"/> whose rule does not start with <paramref name="excludedRulePrefix"/>,
    /// lets <paramref name="edit"/> change, add and remove alerts, and saves it all. After an add, the runs of the added
    /// alerts keep their newest <paramref name="maxPerRun"/> alerts (alerts not resolved are never dropped).
    /// </summary>
    Task<T> EditAlertsAsync<T>(IReadOnlyCollection<string> states, string excludedRulePrefix, int maxPerRun,
        Func<IReadOnlyList<AlertEntity>, IAlertEdits, T> edit, CancellationToken ct = default);

    /// <summary>Changes one alert and saves it when <paramref name="edit"/> returns true; null when there is no such alert.</summary>
    Task<AlertEntity?> EditAlertAsync(long id, Func<AlertEntity, bool> edit, CancellationToken ct = default);

    /// <summary>Adds one alert (its Id is set), then caps its run as <see cref="EditAlertsAsync{T}"/> does.</summary>
    Task AddAlertAsync(AlertEntity alert, int maxPerRun, CancellationToken ct = default);

    Task<List<AlertEntity>> GetAlertsAsync(AlertFilter filter, int limit, CancellationToken ct = default);

    /// <summary>Alerts in <paramref name="states"/>, oldest first, at most <paramref name="limit"/>; Total counts them all.</summary>
    Task<(List<AlertEntity> Alerts, int Total)> GetAlertsInStatesAsync(IReadOnlyCollection<string> states, int limit, CancellationToken ct = default);
}

/// <summary>Which silences a list shows, at a moment.</summary>
public enum SilenceFilter
{
    All,
    Active,
    Pending,
    Expired,
}

/// <summary>Silences (kept in storage so every instance and restart sees them); expired ones stay as history.</summary>
public interface ISilenceStore
{
    /// <summary>Newest first, at most <paramref name="limit"/>.</summary>
    Task<List<SilenceEntity>> GetSilencesAsync(SilenceFilter filter, long now, int limit, CancellationToken ct = default);

    /// <summary>The silences active at <paramref name="now"/>, oldest first: an indexed read of the few not yet ended.</summary>
    Task<List<SilenceEntity>> GetActiveSilencesAsync(long now, CancellationToken ct = default);

    Task AddSilenceAsync(SilenceEntity silence, CancellationToken ct = default);

    /// <summary>Ends a silence at <paramref name="now"/> (a pending one never starts); null when there is no such silence.</summary>
    Task<SilenceEntity?> ExpireSilenceAsync(long id, long now, CancellationToken ct = default);
}

/// <summary>The runtime alert settings: one JSON document (its shape is the Alerts feature's).</summary>
public interface IAlertSettingsStore
{
    /// <summary>The stored document, or null when none was ever saved.</summary>
    Task<string?> GetSettingsDocumentAsync(CancellationToken ct = default);

    Task SaveSettingsDocumentAsync(string document, long updatedAt, CancellationToken ct = default);
}
