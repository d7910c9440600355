using Dashboard.Client;
using Dashboard.IntegrationTests.Infrastructure;

namespace Dashboard.IntegrationTests.Client;

/// <summary>Builds clients for a test host, with the knobs the tests turn.</summary>
internal static class ClientTestRun
{
    public static DashboardClient Create(DashboardFactory factory, string run, HttpClient? http = null, string? apiKey = null,
        int batchSize = 500, TimeSpan? flushInterval = null, int maxAttempts = 8, int capacity = 10_000) =>
        new(new DashboardClientOptions
        {
            BaseAddress = factory.BaseAddress,
            Run = run,
            ApiKey = apiKey,
            BatchSize = batchSize,
            FlushInterval = flushInterval ?? TimeSpan.FromMinutes(10),
            MaxAttempts = maxAttempts,
            BufferCapacity = capacity,
            InitialRetryDelay = TimeSpan.FromMilliseconds(50),
        }, httpClient: http);

    public static GenerationEvent Generation(int i, string model = "gpt-4o-mini") => new()
    {
        Duration = 1 + i % 7 * 0.25,
        Success = i % 10 != 0,
        ModelName = model,
        FinishReason = "stop",
        PromptTokenCount = 100 + i,
        CompletionTokenCount = 50,
        TotalTokenCount = 150 + i,
    };

    /// <summary>Points of a metric in the run; 0 while the run does not exist yet (404).</summary>
    public static async Task<long> CountAsync(this DashboardQueries queries, string name)
    {
        try
        {
            return (await queries.GetStatsAsync(name)).Count;
        }
        catch (HttpRequestException ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return 0;
        }
    }
}
