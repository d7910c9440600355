namespace Dashboard.IntegrationTests.Infrastructure;

/// <summary>Polls a condition until it holds or the timeout passes; never a bare delay.</summary>
public static class WaitFor
{
    public static async Task ConditionAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (await condition())
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Condition not met within the timeout{(because is null ? "" : ": " + because)}.");
            }
            await Task.Delay(50);
        }
    }

    public static Task ConditionAsync(Func<bool> condition, TimeSpan? timeout = null, string? because = null) =>
        ConditionAsync(() => Task.FromResult(condition()), timeout, because);
}
