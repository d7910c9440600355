namespace Dashboard.Storage;

/// <summary>
/// The starter price table, seeded once by schema step 10 on both providers (the same INSERT runs on SQLite and
/// PostgreSQL). USD list prices per million tokens as the author knew them from the providers' published pricing pages
/// (OpenAI, Anthropic, Google) up to mid-2025; not checked against the web (no access when written): verify and edit
/// them on the settings page or with PUT /api/v1/settings/prices. Patterns end in '*' so dated snapshots
/// (gpt-4o-mini-2024-07-18) match; the cached price is the provider's cached-input (cache read) price.
/// </summary>
internal static class StarterPrices
{
    public const string InsertSql = """
        INSERT INTO prices (model_key, model, valid_from, input_per_million, output_per_million, cached_input_per_million, currency) VALUES
        ('gpt-4o*', 'gpt-4o*', '2024-10-01', 2.5, 10.0, 1.25, 'USD'),
        ('gpt-4o-mini*', 'gpt-4o-mini*', '2024-07-18', 0.15, 0.6, 0.075, 'USD'),
        ('gpt-4.1*', 'gpt-4.1*', '2025-04-14', 2.0, 8.0, 0.5, 'USD'),
        ('gpt-4.1-mini*', 'gpt-4.1-mini*', '2025-04-14', 0.4, 1.6, 0.1, 'USD'),
        ('gpt-4.1-nano*', 'gpt-4.1-nano*', '2025-04-14', 0.1, 0.4, 0.025, 'USD'),
        ('gpt-3.5-turbo*', 'gpt-3.5-turbo*', '2024-01-25', 0.5, 1.5, NULL, 'USD'),
        ('o3*', 'o3*', '2025-04-16', 10.0, 40.0, 2.5, 'USD'),
        ('o3*', 'o3*', '2025-06-10', 2.0, 8.0, 0.5, 'USD'),
        ('o3-mini*', 'o3-mini*', '2025-01-31', 1.1, 4.4, 0.55, 'USD'),
        ('o4-mini*', 'o4-mini*', '2025-04-16', 1.1, 4.4, 0.275, 'USD'),
        ('claude-3-opus*', 'claude-3-opus*', '2024-03-04', 15.0, 75.0, 1.5, 'USD'),
        ('claude-3-5-sonnet*', 'claude-3-5-sonnet*', '2024-06-20', 3.0, 15.0, 0.3, 'USD'),
        ('claude-3-5-haiku*', 'claude-3-5-haiku*', '2024-11-04', 0.8, 4.0, 0.08, 'USD'),
        ('claude-3-7-sonnet*', 'claude-3-7-sonnet*', '2025-02-24', 3.0, 15.0, 0.3, 'USD'),
        ('claude-sonnet-4*', 'claude-sonnet-4*', '2025-05-22', 3.0, 15.0, 0.3, 'USD'),
        ('claude-opus-4*', 'claude-opus-4*', '2025-05-22', 15.0, 75.0, 1.5, 'USD'),
        ('gemini-2.0-flash*', 'gemini-2.0-flash*', '2025-02-05', 0.1, 0.4, 0.025, 'USD'),
        ('gemini-2.5-flash*', 'gemini-2.5-flash*', '2025-06-17', 0.3, 2.5, 0.075, 'USD'),
        ('gemini-2.5-flash-lite*', 'gemini-2.5-flash-lite*', '2025-07-22', 0.1, 0.4, 0.025, 'USD'),
        ('gemini-2.5-pro*', 'gemini-2.5-pro*', '2025-06-17', 1.25, 10.0, 0.31, 'USD');

        """;
}
