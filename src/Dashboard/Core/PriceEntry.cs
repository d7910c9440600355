namespace Dashboard.Core;

/// <summary>
/// One row of the price table: what a model (an exact name, or a pattern where <c>*</c> stands for any text) costs per
/// million tokens from <see cref="ValidFrom"/> (a UTC day) until the next row for the same model key. Cached-input
/// tokens fall back to the input price when <see cref="CachedInputPerMillion"/> is null.
/// </summary>
public sealed record PriceEntry(string Model, DateOnly ValidFrom, double InputPerMillion, double OutputPerMillion,
    double? CachedInputPerMillion, string Currency)
{
    public bool IsPattern => Model.Contains('*', StringComparison.Ordinal);

    /// <summary>Cost of a (prompt, completion, cached) token count, where cached tokens are a part of the prompt tokens
    /// (as OpenAI and Anthropic count them): the cached part is billed at the cached price, the rest at the input price.</summary>
    public double Cost(double prompt, double completion, double cached)
    {
        var cachedPart = Math.Min(cached, prompt);
        return ((prompt - cachedPart) * InputPerMillion + cachedPart * (CachedInputPerMillion ?? InputPerMillion)
            + completion * OutputPerMillion) / 1_000_000d;
    }

    /// <summary>Cost of <paramref name="tokens"/> of one kind alone (an export row holds one token count).</summary>
    public double Cost(TokenKind kind, double tokens) => kind switch
    {
        TokenKind.Prompt => tokens * InputPerMillion / 1_000_000d,
        TokenKind.Completion => tokens * OutputPerMillion / 1_000_000d,
        // Priced as the difference to the input price: the same tokens were already counted as prompt tokens.
        _ => tokens * ((CachedInputPerMillion ?? InputPerMillion) - InputPerMillion) / 1_000_000d,
    };
}

/// <summary>The token counts that carry a price; total_token_count is their sum and is never priced itself.</summary>
public enum TokenKind
{
    Prompt,
    Completion,
    Cached,
}

public static class TokenMetrics
{
    public const string Prompt = MetricNames.PromptTokens;
    public const string Completion = MetricNames.CompletionTokens;
    public const string Cached = MetricNames.CachedTokens;

    public static readonly IReadOnlyList<string> Priced = [Prompt, Completion, Cached];

    public static TokenKind? KindOf(string metric) => metric switch
    {
        Prompt => TokenKind.Prompt,
        Completion => TokenKind.Completion,
        Cached => TokenKind.Cached,
        _ => null,
    };
}
