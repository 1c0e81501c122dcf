using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Translation;

namespace Bulwark.Gateway.Tests.Translation;

/// <summary>
/// OpenAI chat completion requests as Anthropic Messages API requests: every field either translated (checked against
/// the request Anthropic's reference gives for it) or refused by name, never silently dropped.
/// </summary>
public class AnthropicRequestTests
{
    [Fact]
    public void FullConversation_TranslatesEveryField()
    {
        const string openAi = """
            {
              "model": "gpt-4o",
              "messages": [
                { "role": "system", "content": "You are terse." },
                { "role": "developer", "content": [ { "type": "text", "text": "Answer in French." } ] },
                { "role": "user", "content": [
                    { "type": "text", "text": "What is in these?" },
                    { "type": "image_url", "image_url": { "url": "data:image/png;base64,iVBORw0KGgo=" } },
                    { "type": "image_url", "image_url": { "url": "https://example.com/cat.jpg", "detail": "auto" } } ] },
                { "role": "assistant", "content": null, "tool_calls": [
                    { "id": "call_1", "type": "function", "function": { "name": "look", "arguments": "{\"what\":\"cat\"}" } },
                    { "id": "call_2", "type": "function", "function": { "name": "look", "arguments": "{}" } } ] },
                { "role": "tool", "tool_call_id": "call_1", "content": "a cat" },
                { "role": "tool", "tool_call_id": "call_2", "content": [ { "type": "text", "text": "a dog" } ] },
                { "role": "user", "content": "So?" }
              ],
              "max_completion_tokens": 300,
              "stop": "END",
              "temperature": 0.2,
              "top_p": 0.9,
              "tools": [ { "type": "function", "function": { "name": "look", "description": "Looks", "parameters": { "type": "object", "properties": { "what": { "type": "string" } } }, "strict": false } },
                         { "type": "function", "function": { "name": "noop" } } ],
              "tool_choice": { "type": "function", "function": { "name": "look" } },
              "parallel_tool_calls": false,
              "user": "u-1",
              "n": 1, "logprobs": false, "presence_penalty": 0, "frequency_penalty": 0, "store": false,
              "response_format": { "type": "text" }, "seed": null
            }
            """;

        var translation = AnthropicRequest.Translate(Encoding.UTF8.GetBytes(openAi), "claude-sonnet-4-20250514", 4096);

        Assert.Null(translation.Refusal);
        Assert.False(translation.Stream);
        const string expected = """
            {"model":"claude-sonnet-4-20250514","max_tokens":300,"system":"You are terse.\n\nAnswer in French.","messages":[
            {"role":"user","content":[{"type":"text","text":"What is in these?"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]},
            {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"look","input":{"what":"cat"}},{"type":"tool_use","id":"call_2","name":"look","input":{}}]},
            {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"a cat"},{"type":"tool_result","tool_use_id":"call_2","content":"a dog"},{"type":"text","text":"So?"}]}],
            "stop_sequences":["END"],"temperature":0.2,"top_p":0.9,
            "tools":[{"name":"look","description":"Looks","input_schema":{"type":"object","properties":{"what":{"type":"string"}}}},{"name":"noop","input_schema":{"type":"object","properties":{}}}],
            "tool_choice":{"type":"tool","name":"look","disable_parallel_tool_use":true},"metadata":{"user_id":"u-1"}}
            """;
        Assert.Equal(expected.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal), Encoding.UTF8.GetString(translation.Body!));
    }

    [Fact]
    public void NoMaxTokens_TheProvidersDefault_ModelUnmapped_StreamWithUsage()
    {
        var translation = AnthropicRequest.Translate(
            """{"model":"claude-3-5-haiku-latest","stream":true,"stream_options":{"include_usage":true},"max_tokens":null,"messages":[{"role":"user","content":"Hi"}]}"""u8,
            model: null,
            defaultMaxTokens: 512);

        Assert.Null(translation.Refusal);
        Assert.True(translation.Stream);
        Assert.True(translation.IncludeUsage);
        Assert.Equal("""{"model":"claude-3-5-haiku-latest","max_tokens":512,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"stream":true}""", Encoding.UTF8.GetString(translation.Body!));
    }

    [Theory]
    [InlineData("""{"tool_choice":"auto"}""", """{"type":"auto"}""")]
    [InlineData("""{"tool_choice":"required"}""", """{"type":"any"}""")]
    [InlineData("""{"tool_choice":"none"}""", """{"type":"none"}""")]
    [InlineData("""{"parallel_tool_calls":false}""", """{"type":"auto","disable_parallel_tool_use":true}""")]
    [InlineData("""{"parallel_tool_calls":true}""", null)]
    public void ToolChoice(string fields, string? expected)
    {
        string body = """{"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}],""" + fields[1..];

        var translation = AnthropicRequest.Translate(Encoding.UTF8.GetBytes(body), null, 10);

        using var json = JsonDocument.Parse(translation.Body!);
        if (expected is null)
        {
            Assert.False(json.RootElement.TryGetProperty("tool_choice", out _));
        }
        else
        {
            Assert.Equal(expected, json.RootElement.GetProperty("tool_choice").GetRawText());
        }
    }

    [Theory]
    [InlineData("\"n\":2", "'n' cannot be served: only n: 1 can be served by Anthropic")]
    [InlineData("\"logprobs\":true", "'logprobs' cannot be served: Anthropic's API returns no log probabilities")]
    [InlineData("\"top_logprobs\":2", "'top_logprobs' cannot be translated for Anthropic's API")]
    [InlineData("\"seed\":42", "'seed' cannot be translated for Anthropic's API")]
    [InlineData("\"frequency_penalty\":0.5", "'frequency_penalty' cannot be served: Anthropic's API has no frequency penalty")]
    [InlineData("\"response_format\":{\"type\":\"json_object\"}", "'response_format' cannot be served: Anthropic's API has no response_format (only type 'text' can be served)")]
    [InlineData("\"temperature\":1.2", "'temperature' must be a number from 0 to 1 for Anthropic (OpenAI's range goes to 2)")]
    [InlineData("\"stream_options\":{\"include_usage\":true,\"x\":1}", "'stream_options.x' cannot be translated for Anthropic's API")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"strict\":true}}]", "'strict' cannot be served: strict function schemas cannot be translated for Anthropic's API")]
    [InlineData("\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"f\"}}]", "'tools[0]' must be a function tool for Anthropic's API")]
    [InlineData("\"audio\":{\"voice\":\"alloy\"}", "'audio' cannot be translated for Anthropic's API")]
    [InlineData("\"max_tokens\":0", "'max_completion_tokens' (or 'max_tokens') must be a positive whole number")]
    [InlineData("\"something_new\":true", "'something_new' cannot be translated for Anthropic's API")]
    public void FieldAnthropicCannotHonour_RefusedByName(string field, string refusal)
    {
        string body = """{"model":"m","messages":[{"role":"user","content":"Hi"}],""" + field + "}";

        var translation = AnthropicRequest.Translate(Encoding.UTF8.GetBytes(body), null, 10);

        Assert.Null(translation.Body);
        Assert.Equal(refusal, translation.Refusal);
    }

    [Theory]
    [InlineData("""[{"role":"user","name":"ann","content":"Hi"}]""", "'messages[0].name' cannot be translated for Anthropic's API")]
    [InlineData("""[{"role":"function","name":"f","content":"x"}]""", "'messages[0].role' 'function' cannot be translated for Anthropic's API")]
    [InlineData("""[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AA==","format":"wav"}}]}]""", "'messages[0].content[0]' of type 'input_audio' cannot be translated for Anthropic's API")]
    [InlineData("""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/bmp;base64,AA=="}}]}]""", "'messages[0].content[0].image_url.url' must be a base64 data URL of image/jpeg, image/png, image/gif, image/webp for Anthropic's API")]
    [InlineData("""[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"high"}}]}]""", "'detail' cannot be served: Anthropic's API has no image detail level (only 'auto' can be served)")]
    [InlineData("""[{"role":"assistant","content":"x","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"not json"}}]}]""", "'messages[0].tool_calls[0].function.arguments' is not valid JSON")]
    [InlineData("""[{"role":"system","content":"only system"}]""", "'messages' holds only system messages; Anthropic's API needs at least one user message")]
    [InlineData("""[]""", "'messages' must be a non-empty array")]
    public void MessageAnthropicCannotHonour_RefusedWithItsPlace(string messages, string refusal)
    {
        string body = """{"model":"m","messages":""" + messages + "}";

        var translation = AnthropicRequest.Translate(Encoding.UTF8.GetBytes(body), null, 10);

        Assert.Equal(refusal, translation.Refusal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}]}""")]
    public void NotAChatCompletion_Refused(string body)
    {
        var translation = AnthropicRequest.Translate(Encoding.UTF8.GetBytes(body), null, 10);

        Assert.Null(translation.Body);
        Assert.NotNull(translation.Refusal);
    }
}
