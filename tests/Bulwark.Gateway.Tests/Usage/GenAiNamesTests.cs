using Bulwark.Gateway.Usage;

namespace Bulwark.Gateway.Tests.Usage;

public class GenAiNamesTests
{
    /// <summary>Whole endpoints, as the replayable ones are matched: a thread's messages or a batch of messages is no chat.</summary>
    [Theory]
    [InlineData("/v1/chat/completions", "chat")]
    [InlineData("/openai/v1/chat/completions", "chat")]
    [InlineData("/v1/messages", "chat")]
    [InlineData("/v1/responses", "chat")]
    [InlineData("/v1/completions", "text_completion")]
    [InlineData("/v1/embeddings", "embeddings")]
    [InlineData("/v1/threads/thread_1/messages", "other")]
    [InlineData("/v1/messages/batches", "other")]
    [InlineData("/v1/models", "other")]
    [InlineData(null, "other")]
    public void OperationOf_NamesWholeEndpointsOnly(string? path, string operation) => Assert.Equal(operation, GenAiNames.OperationOf(path));
}
