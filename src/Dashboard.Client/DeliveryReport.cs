namespace Dashboard.Client;

/// <summary>Why events did not reach the dashboard.</summary>
public enum DeliveryFailureKind
{
    /// <summary>The server stayed unavailable (429, 503, 5xx, network) through every attempt.</summary>
    GaveUp,

    /// <summary>The server refused the batch (400, 401, 403, 409, 413, 415): retrying would not help.</summary>
    Refused,

    /// <summary>The server stored the batch but refused some of its events (207); <see cref="DeliveryFailure.Events"/> counts those.</summary>
    PartlyRefused,

    /// <summary>The buffer was full when a synchronous call (RecordMetric, Log*) came in.</summary>
    BufferFull,

    /// <summary>The client was disposed before the events could be delivered within <see cref="DashboardClientOptions.ShutdownTimeout"/>.</summary>
    NotDeliveredAtShutdown,
}

/// <summary>Events that did not reach the dashboard, and why.</summary>
/// <param name="Kind">The kind of failure.</param>
/// <param name="Events">How many events it cost.</param>
/// <param name="StatusCode">The last HTTP status, when there was an answer.</param>
/// <param name="Message">The server's problem detail or the exception's message.</param>
public sealed record DeliveryFailure(DeliveryFailureKind Kind, int Events, int? StatusCode, string Message);

/// <summary>Counters of a client's deliveries so far.</summary>
/// <param name="Sent">Events the dashboard acknowledged as stored.</param>
/// <param name="Duplicates">Events the dashboard already held (a retried batch whose first answer was lost).</param>
/// <param name="Failed">Events that did not reach the dashboard (see <see cref="DeliveryFailure"/>).</param>
/// <param name="Retries">Requests sent again after a retryable answer.</param>
/// <param name="LastFailure">The most recent failure, if any.</param>
public sealed record DeliveryStatus(long Sent, long Duplicates, long Failed, long Retries, DeliveryFailure? LastFailure);
