using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Dashboard.Client;

/// <summary>
/// Posts one batch to /api/v1/ingest, retrying what may succeed later (408, 429, 5xx, network errors)
/// with exponential back-off or the server's Retry-After. Never throws: every outcome ends in the counters.
/// </summary>
internal sealed class BatchSender(HttpClient http, DashboardClientOptions options, Uri ingestUri, DeliveryCounters counters,
    TimeProvider time, ILogger logger, object reportSender)
{
    private sealed record IngestRequest(string Run, string? Project, IReadOnlyList<DashboardEvent> Events,
        [property: System.Text.Json.Serialization.JsonPropertyName("run_goal")] RunGoal.Wire? RunGoal);

    // The goal waiting to be accepted: every attempt carries it; the first accepted batch that carried it clears it,
    // unless a newer goal was set meanwhile (that one travels on).
    private RunGoal? _goal;

    public void SetGoal(RunGoal goal) => Volatile.Write(ref _goal, goal);

    private sealed record IngestAnswer(int Accepted, int Duplicates, int Points, List<JsonElement>? Errors);

    public async Task SendAsync(IReadOnlyList<DashboardEvent> batch, CancellationToken ct)
    {
        var goal = Volatile.Read(ref _goal);
        var attempt = 0;
        while (true)
        {
            attempt++;
            int? status = null;
            string message;
            TimeSpan? retryAfter = null;
            try
            {
                using var response = await PostAsync(batch, goal, ct);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    if (goal is not null)
                    {
                        Interlocked.CompareExchange(ref _goal, null, goal);
                    }
                    await AcknowledgeAsync(response, batch.Count, ct);
                    return;
                }
                message = await ProblemTextAsync(response, ct);
                if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge && batch.Count > 1)
                {
                    // The body limit is the server's (Ingest:MaxBodyBytes): halves always fit eventually.
                    var half = batch.Count / 2;
                    await SendAsync(batch.Take(half).ToList(), ct);
                    await SendAsync(batch.Skip(half).ToList(), ct);
                    return;
                }
                if (!IsRetryable(response.StatusCode))
                {
                    counters.Report(new DeliveryFailure(DeliveryFailureKind.Refused, batch.Count, status, message), reportSender);
                    return;
                }
                retryAfter = RetryAfter(response);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                counters.Report(new DeliveryFailure(DeliveryFailureKind.NotDeliveredAtShutdown, batch.Count, status,
                    "The client was disposed before the batch was delivered."), reportSender);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException or IOException)
            {
                // A timeout surfaces as OperationCanceledException without our token: retry it like a network error.
                message = ex.Message;
            }

            if (attempt >= options.MaxAttempts)
            {
                counters.Report(new DeliveryFailure(DeliveryFailureKind.GaveUp, batch.Count, status,
                    $"{message} (after {attempt} attempts)"), reportSender);
                return;
            }
            // Up to a quarter more than Retry-After: clients refused together should not all come back together.
            var delay = retryAfter is { } after ? after * (1 + Random.Shared.NextDouble() * 0.25) : Backoff(attempt);
            delay = delay > options.MaxRetryDelay ? options.MaxRetryDelay : delay;
            logger.LogDebug("Dashboard client: batch of {Events} answered {Status} ({Message}); retry {Attempt} in {Delay}",
                batch.Count, status, message, attempt, delay);
            counters.Retried();
            try
            {
                await Task.Delay(delay, time, ct);
            }
            catch (OperationCanceledException)
            {
                counters.Report(new DeliveryFailure(DeliveryFailureKind.NotDeliveredAtShutdown, batch.Count, status,
                    $"The client was disposed while waiting to retry: {message}"), reportSender);
                return;
            }
        }
    }

    private async Task<HttpResponseMessage> PostAsync(IReadOnlyList<DashboardEvent> batch, RunGoal? goal, CancellationToken ct)
    {
        // A new message per attempt: HttpClient refuses to send one twice.
        using var request = new HttpRequestMessage(HttpMethod.Post, ingestUri)
        {
            Content = JsonContent.Create(new IngestRequest(options.Run, options.Project, batch, goal?.ToWire()), options: ClientJson.Options),
        };
        DashboardQueries.Authorize(request, options.ApiKey);
        return await http.SendAsync(request, ct);
    }

    private async Task AcknowledgeAsync(HttpResponseMessage response, int events, CancellationToken ct)
    {
        var answer = await response.Content.ReadFromJsonAsync<IngestAnswer>(ClientJson.Options, ct);
        counters.Delivered(answer?.Accepted ?? events, answer?.Duplicates ?? 0);
        if (answer?.Errors is { Count: > 0 } errors)
        {
            var refused = errors.Select(e => e.TryGetProperty("index", out var i) ? i.GetInt32() : -1).Distinct().Count();
            var first = errors[0].TryGetProperty("message", out var m) ? m.GetString() : errors[0].GetRawText();
            counters.Report(new DeliveryFailure(DeliveryFailureKind.PartlyRefused, refused, (int)response.StatusCode,
                $"{errors.Count} invalid field(s); first: {first}"), reportSender);
        }
    }

    private static async Task<string> ProblemTextAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var field = root.TryGetProperty("field", out var f) ? f.GetString() : null;
            return $"{(int)response.StatusCode} {detail ?? response.ReasonPhrase}{(field is null ? "" : $" (field '{field}')")}";
        }
        catch (JsonException)
        {
            return $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
    }

    private static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }
        if (header?.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        return null;
    }

    private TimeSpan Backoff(int attempt)
    {
        // Full jitter keeps many clients that failed together from retrying together.
        var ceiling = options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        return TimeSpan.FromMilliseconds(Math.Min(ceiling, options.MaxRetryDelay.TotalMilliseconds) * (0.5 + Random.Shared.NextDouble() * 0.5));
    }
}
