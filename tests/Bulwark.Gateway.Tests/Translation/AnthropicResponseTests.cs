using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tests.Usage;
using Bulwark.Gateway.Translation;
using CsCheck;

namespace Bulwark.Gateway.Tests.Translation;

/// <summary>
/// Anthropic answers as OpenAI chat completion answers: a message (the reference's example), an error, and the events of
/// a stream, however the provider's bytes are split across writes.
/// </summary>
public class AnthropicResponseTests
{
    private const long Created = 1767225600;

    [Fact]
    public async Task Message_IsAChatCompletion_WithOpenAisUsage()
    {
        string translated = await TranslateAsync(AiWireFixtures.AnthropicMessage, AnthropicAnswer.Message);

        Assert.Equal(
            """{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","object":"chat.completion","created":1767225600,"model":"claude-sonnet-4-20250514","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":6,"total_tokens":18,"prompt_tokens_details":{"cached_tokens":0}}}""",
            translated);
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    public async Task StopReason_IsTheFinishReason(string stopReason, string finishReason)
    {
        string message = AiWireFixtures.AnthropicMessage.Replace("\"end_turn\"", $"\"{stopReason}\"", StringComparison.Ordinal);

        using var json = JsonDocument.Parse(await TranslateAsync(message, AnthropicAnswer.Message));

        Assert.Equal(finishReason, json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task ToolUse_IsAToolCall_WithItsInputAsAJsonString_AndNoTextIsNullContent()
    {
        const string message = """{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"location":"San Francisco, CA"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"cache_read_input_tokens":5,"output_tokens":20}}""";

        using var json = JsonDocument.Parse(await TranslateAsync(message, AnthropicAnswer.Message));

        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal(JsonValueKind.Null, choice.GetProperty("message").GetProperty("content").ValueKind);
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("toolu_01A", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"location":"San Francisco, CA"}""", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var usage = json.RootElement.GetProperty("usage");
        Assert.Equal((15, 20, 35, 5), (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32(), usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32()));
    }

    [Theory]
    [InlineData("""{"type":"error","error":{"type":"not_found_error","message":"model: claude-x"}}""", 404, """{"error":{"message":"model: claude-x","type":"not_found_error","param":null,"code":null}}""")]
    [InlineData("<html>Bad gateway</html>", 400, """{"error":{"message":"The provider answered 400.","type":"invalid_request_error","param":null,"code":null}}""")]
    public async Task Error_IsOpenAisErrorShape(string body, int status, string expected)
    {
        Assert.Equal(expected, await TranslateAsync(body, AnthropicAnswer.Error, status));
    }

    [Fact]
    public async Task NotAMessage_FailsTheTranslation_WritingNothing()
    {
        var output = new MemoryStream();
        using var stream = new AnthropicResponseStream(output, AnthropicAnswer.Message, 200, Created, includeUsage: false);
        await stream.WriteAsync("""{"type":"completion","completion":"hi"}"""u8.ToArray());

        Assert.False(await stream.CompleteAsync(CancellationToken.None));
        Assert.Equal("the provider's answer is not an Anthropic message", stream.Failure);
        Assert.Equal(0, output.Length);
    }

    [Fact]
    public async Task Stream_IsChatCompletionChunks_UsageChunkWhenAsked_ThenDone()
    {
        var output = new MemoryStream();
        using var stream = new AnthropicResponseStream(output, AnthropicAnswer.Events, 200, Created, includeUsage: true);
        foreach (string e in AiWireFixtures.AnthropicEvents)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(e));
        }

        Assert.True(await stream.CompleteAsync(CancellationToken.None));
        const string prefix = """{"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","object":"chat.completion.chunk","created":1767225600,"model":"claude-sonnet-4-20250514","choices":""";
        Assert.Equal(
            [
                prefix + """[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}""",
                prefix + """[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}""",
                prefix + """[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}""",
                prefix + """[],"usage":{"prompt_tokens":125,"completion_tokens":15,"total_tokens":140,"prompt_tokens_details":{"cached_tokens":100}}}""",
                "[DONE]",
            ],
            DataOf(output));
        Assert.Equal((125L, 15L), (stream.Usage.TotalInput, stream.Usage.Output));
    }

    [Fact]
    public async Task StreamedToolUse_IsAToolCallByItsOwnIndex_ArgumentsAsTheyCome()
    {
        var output = new MemoryStream();
        using var stream = new AnthropicResponseStream(output, AnthropicAnswer.Events, 200, Created, includeUsage: false);
        foreach (string e in FakeAnthropic.Events(1, "claude-sonnet-4-20250514", "ignored", "get_weather", 9))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(e));
        }

        Assert.True(await stream.CompleteAsync(CancellationToken.None));
        var chunks = DataOf(output).Where(static d => d != "[DONE]").Select(static d => JsonDocument.Parse(d).RootElement).ToList();
        var calls = chunks.Select(static c => c.GetProperty("choices")[0].GetProperty("delta")).Where(static d => d.TryGetProperty("tool_calls", out _)).Select(static d => d.GetProperty("tool_calls")[0]).ToList();
        Assert.Equal(("toolu_1", "get_weather"), (calls[0].GetProperty("id").GetString(), calls[0].GetProperty("function").GetProperty("name").GetString()));
        Assert.All(calls, static c => Assert.Equal(0, c.GetProperty("index").GetInt32()));
        Assert.Equal("""{"location": "Paris", "unit": "celsius"}""", string.Concat(calls.Select(static c => c.GetProperty("function").GetProperty("arguments").GetString())));
        Assert.Equal("tool_calls", chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.All(chunks, static c => Assert.False(c.TryGetProperty("usage", out _)));
    }

    [Fact]
    public async Task StreamEndingBeforeItsMessage_Fails()
    {
        var output = new MemoryStream();
        using var stream = new AnthropicResponseStream(output, AnthropicAnswer.Events, 200, Created, includeUsage: false);
        foreach (string e in AiWireFixtures.AnthropicEvents[..^1])
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(e));
        }

        Assert.False(await stream.CompleteAsync(CancellationToken.None));
        Assert.Equal("the provider's stream ended before the message did", stream.Failure);
        Assert.True(stream.Started);
    }

    [Fact]
    public async Task StreamErrorEvent_IsOpenAisErrorObject_AndFailsTheStream()
    {
        var output = new MemoryStream();
        using var stream = new AnthropicResponseStream(output, AnthropicAnswer.Events, 200, Created, includeUsage: false);
        foreach (string e in FakeAnthropic.Events(1, "claude-sonnet-4-20250514", "echo: hi", null, 3, failMidway: true))
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(e));
        }

        Assert.False(await stream.CompleteAsync(CancellationToken.None));
        Assert.Equal("the provider's stream reported overloaded_error", stream.Failure);
        Assert.Equal("""{"error":{"message":"Overloaded","type":"overloaded_error","param":null,"code":null}}""", DataOf(output)[^1]);
    }

    /// <summary>However the provider's bytes are split across writes (a line cut anywhere, CRLF or LF), the client gets the same bytes.</summary>
    [Fact]
    public void Stream_AnySplitOfTheProvidersBytes_GivesTheSameTranslation()
    {
        byte[] whole = Encoding.UTF8.GetBytes(string.Concat(FakeAnthropic.Events(3, "claude-sonnet-4-20250514", "echo: a longer reply", "get_weather", 12)));
        byte[] expected = Translate(whole, [whole.Length]);

        Gen.Int[1, 64].Array[1, 40].Sample(sizes => Assert.Equal(expected, Translate(whole, sizes)), iter: 500);
    }

    private static byte[] Translate(byte[] whole, int[] sizes)
    {
        var output = new MemoryStream();
        using var stream = new AnthropicResponseStream(output, AnthropicAnswer.Events, 200, Created, includeUsage: true);
        int at = 0;
        for (int i = 0; at < whole.Length; i++)
        {
            int size = Math.Min(sizes[i % sizes.Length], whole.Length - at);
            stream.Write(whole, at, size);
            at += size;
        }

        Assert.True(stream.CompleteAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult());
        return output.ToArray();
    }

    private static async Task<string> TranslateAsync(string body, AnthropicAnswer answer, int status = 200)
    {
        var output = new MemoryStream();
        using var stream = new AnthropicResponseStream(output, answer, status, Created, includeUsage: false);
        byte[] bytes = Encoding.UTF8.GetBytes(body.Trim());
        // In two writes, as a body arrives: nothing goes on before the whole of it is in.
        await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
        await stream.FlushAsync();
        Assert.Equal(0, output.Length);
        await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        Assert.True(await stream.CompleteAsync(CancellationToken.None));
        return Encoding.UTF8.GetString(output.ToArray());
    }

    /// <summary>The data of each event written, in order; every event ends with a blank line.</summary>
    private static List<string> DataOf(MemoryStream output)
    {
        string text = Encoding.UTF8.GetString(output.ToArray());
        Assert.EndsWith("\n\n", text, StringComparison.Ordinal);
        return [.. text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(static e => Assert.IsType<string>(e.StartsWith("data: ", StringComparison.Ordinal) ? e[6..] : throw new Xunit.Sdk.XunitException("not a data event: " + e)))];
    }
}
