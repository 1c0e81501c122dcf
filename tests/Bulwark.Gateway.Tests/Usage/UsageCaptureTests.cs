using System.Text;
using Bulwark.Gateway.Usage;

namespace Bulwark.Gateway.Tests.Usage;

public class UsageCaptureTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void OpenAiStream_InWritesOfAnySize_PassesEveryByte_AndReadsTheLastChunksUsage(int writeSize)
    {
        var (passed, usage) = Capture(string.Concat(AiWireFixtures.OpenAiChunks), UsageFormat.ServerSentEvents, writeSize);

        Assert.Equal(string.Concat(AiWireFixtures.OpenAiChunks), passed);
        Assert.Equal(AiWireFixtures.OpenAiModel, usage.Model);
        Assert.Equal(9, usage.TotalInput);
        Assert.Equal(12, usage.Output);
        Assert.Equal(4, usage.CachedInput);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(13)]
    [InlineData(4096)]
    public void AnthropicStream_MessageStartThenDelta_InputWithCacheReads_AndTheDeltasOutput(int writeSize)
    {
        var (_, usage) = Capture(string.Concat(AiWireFixtures.AnthropicEvents), UsageFormat.ServerSentEvents, writeSize);

        Assert.Equal(AiWireFixtures.AnthropicModel, usage.Model);
        Assert.Equal(125, usage.TotalInput);
        Assert.Equal(100, usage.CachedInput);
        Assert.Equal(15, usage.Output);
    }

    [Fact]
    public void OpenAiJson_ReadAtTheEnd()
    {
        var (passed, usage) = Capture(AiWireFixtures.OpenAiChatCompletion, UsageFormat.Json, 100);

        Assert.Equal(AiWireFixtures.OpenAiChatCompletion, passed);
        Assert.Equal(AiWireFixtures.OpenAiModel, usage.Model);
        Assert.Equal(1200, usage.TotalInput);
        Assert.Equal(300, usage.Output);
        Assert.Equal(200, usage.CachedInput);
    }

    [Fact]
    public void AnthropicJson_ReadAtTheEnd()
    {
        var (_, usage) = Capture(AiWireFixtures.AnthropicMessage, UsageFormat.Json, 64);

        Assert.Equal(AiWireFixtures.AnthropicModel, usage.Model);
        Assert.Equal(12, usage.TotalInput);
        Assert.Equal(6, usage.Output);
        Assert.Equal(0, usage.CachedInput);
    }

    [Fact]
    public void JsonBody_OverTheBound_IsPassedOnWhole_AndItsUsageIsUnknown()
    {
        var (passed, usage) = Capture(AiWireFixtures.OpenAiChatCompletion, UsageFormat.Json, 16, maxBytes: 256);

        Assert.Equal(AiWireFixtures.OpenAiChatCompletion, passed);
        Assert.False(usage.HasTokens);
        Assert.Null(usage.Model);
    }

    [Fact]
    public void SseEvent_OverTheBound_IsSkipped_AndLaterEventsAreStillRead()
    {
        string huge = "data: {\"model\":\"x\",\"pad\":\"" + new string('a', 600) + "\",\"usage\":{\"prompt_tokens\":999}}\n\n";
        var (passed, usage) = Capture(huge + string.Concat(AiWireFixtures.OpenAiChunks), UsageFormat.ServerSentEvents, 10, maxBytes: 512);

        Assert.StartsWith(huge, passed, StringComparison.Ordinal);
        Assert.Equal(9, usage.TotalInput);
        Assert.Equal(AiWireFixtures.OpenAiModel, usage.Model);
    }

    [Fact]
    public void NotJson_NoUsage()
    {
        var (_, usage) = Capture("data: not json\n\ndata: {\"usage\": [1,2]}\n\n", UsageFormat.ServerSentEvents, 5);

        Assert.False(usage.HasTokens);
    }

    private static (string Passed, TokenUsage Usage) Capture(string body, UsageFormat format, int writeSize, int maxBytes = 1024 * 1024)
    {
        var inner = new MemoryStream();
        using var capture = new UsageCapture(inner, format, maxBytes);
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        for (int i = 0; i < bytes.Length; i += writeSize)
        {
            capture.Write(bytes, i, Math.Min(writeSize, bytes.Length - i));
        }

        var usage = capture.Complete();
        capture.SendHeldAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return (Encoding.UTF8.GetString(inner.ToArray()), usage);
    }
}
