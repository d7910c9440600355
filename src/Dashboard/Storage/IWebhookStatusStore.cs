namespace Dashboard.Storage;

/// <summary>One webhook target's delivery record as stored; times are Unix microseconds.</summary>
public sealed record WebhookStatusRow(string Url, bool Succeeded, long At, string? LastFailure,
    long? LastFailureAt, long Delivered, long Failed);

/// <summary>The webhook_status table: the last outcome per target URL, so /settings tells the truth after a restart.</summary>
public interface IWebhookStatusStore
{
    List<WebhookStatusRow> GetAll();

    /// <summary>Inserts or replaces the target's row.</summary>
    void Save(WebhookStatusRow row);
}
