using Microsoft.Extensions.AI;

namespace Dashboard.IntegrationTests.Otlp;

/// <summary>A chat client that answers at once with fixed usage, or fails when the prompt says "fail".</summary>
internal sealed class FakeChatClient : IChatClient
{
    public const string ResponseModel = "fake-model-2026";
    public const string RequestModel = "fake-model";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (messages.Any(m => m.Text == "fail"))
        {
            throw new TimeoutException("The fake model timed out.");
        }
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hello"))
        {
            ModelId = ResponseModel,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 100, OutputTokenCount = 20, TotalTokenCount = 120 },
        });
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("fake", new Uri("http://fake.invalid"), RequestModel) : null;

    public void Dispose()
    {
    }
}
