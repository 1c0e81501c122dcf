using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Bulwark.Gateway.Tests.Usage;
using OpenAI;
using OpenAI.Chat;

namespace Bulwark.Gateway.Tests.Translation;

/// <summary>
/// An OpenAI route with a provider whose <c>Api</c> is <c>Anthropic</c>: the official OpenAI .NET SDK, unchanged, talks
/// to the gateway as to OpenAI, and a provider speaking Anthropic's Messages API (a real Kestrel server answering as its
/// reference describes) serves it — requests translated on the way, answers (JSON and event streams, text and tool
/// calls, errors) translated back, usage and cost recorded.
/// </summary>
public class AnthropicTranslationTests
{
    private const string AdminToken = "translation-admin-token-0123456789ab";

    private static string Config(Uri first, Uri second, string firstName = "anthropic", string secondName = "openai", string routeExtra = "") => $$"""
        {
          "Bulwark": {
            "Admin": { "Token": "{{AdminToken}}" },
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": {
              "anthropic": {
                "BaseUrl": "{{(firstName == "anthropic" ? first : second).ToString().TrimEnd('/')}}",
                "Api": "Anthropic",
                "DefaultMaxTokens": 512,
                "Models": { "gpt-4o-mini": "{{FakeAnthropic.Model}}" },
                "Headers": { "x-api-key": { "Value": "{{FakeAnthropic.ApiKey}}" } },
                "Prices": { "claude-3-5-haiku": { "Input": 0.80, "Output": 4.00, "CachedInput": 0.08 } }
              },
              "openai": { "BaseUrl": "{{(firstName == "anthropic" ? second : first).ToString().TrimEnd('/')}}" }
            },
            "Routes": [ { "Path": "/v1/{**rest}", "Api": "OpenAI", "Providers": [ "{{firstName}}", "{{secondName}}" ]{{routeExtra}} } ]
          }
        }
        """;

    private static ChatClient Sdk(GatewayUnderTest gateway) => new("gpt-4o-mini", new ApiKeyCredential("sk-client-openai-key"), new OpenAIClientOptions
    {
        Endpoint = new Uri(gateway.BaseAddress, "/v1"),
        RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
    });

    [Fact]
    public async Task Sdk_ChatCompletion_ServedByAnthropic_TranslatedBothWays()
    {
        await using var anthropic = await Upstream.StartAsync();
        JsonElement sent = default;
        anthropic.Behaviour = FakeAnthropic.Behaviour(body => sent = body);
        await using var openai = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, openai.BaseAddress));

        var completion = (await Sdk(gateway).CompleteChatAsync(
            [new SystemChatMessage("Be brief."), new UserChatMessage("Hello there")],
            new ChatCompletionOptions { Temperature = 0.5f, MaxOutputTokenCount = 100, EndUserId = "user-7" })).Value;

        Assert.Equal("echo: Hello there", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(FakeAnthropic.Model, completion.Model);
        Assert.Equal(FakeAnthropic.InputTokens + FakeAnthropic.CacheReadTokens, completion.Usage.InputTokenCount);
        Assert.Equal(FakeAnthropic.CacheReadTokens, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(4, completion.Usage.OutputTokenCount);

        // What Anthropic received: its own path, key and version, the mapped model, the system apart, the SDK's OpenAI
        // key left behind.
        var received = Assert.Single(anthropic.Snapshot());
        Assert.Equal("/v1/messages", received.PathAndQuery);
        Assert.Equal(FakeAnthropic.ApiKey, received.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", received.Headers["anthropic-version"]);
        Assert.False(received.Headers.ContainsKey("Authorization"));
        Assert.Equal(FakeAnthropic.Model, sent.GetProperty("model").GetString());
        Assert.Equal("Be brief.", sent.GetProperty("system").GetString());
        Assert.Equal(100, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.5, sent.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal("user-7", sent.GetProperty("metadata").GetProperty("user_id").GetString());
        Assert.Equal(0, openai.Requests);
    }

    [Fact]
    public async Task Sdk_Streaming_ServedByAnthropic_EveryChunkParsed_UsageAtTheEnd()
    {
        await using var anthropic = await Upstream.StartAsync();
        JsonElement sent = default;
        anthropic.Behaviour = FakeAnthropic.Behaviour(body => sent = body);
        await using var openai = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, openai.BaseAddress));

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Sdk(gateway).CompleteChatStreamingAsync([new UserChatMessage("Stream me a line")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(static p => p.Text)));
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal("echo: Stream me a line", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(FakeAnthropic.InputTokens + FakeAnthropic.CacheReadTokens, usage.InputTokenCount);
        Assert.Equal(4, usage.OutputTokenCount);
        Assert.True(sent.GetProperty("stream").GetBoolean());
        Assert.Equal(512, sent.GetProperty("max_tokens").GetInt32());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sdk_ToolCall_RoundTrip_ThroughAnthropicToolUse(bool stream)
    {
        await using var anthropic = await Upstream.StartAsync();
        var sent = new List<JsonElement>();
        anthropic.Behaviour = FakeAnthropic.Behaviour(body => { lock (sent) { sent.Add(body); } });
        await using var openai = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, openai.BaseAddress));
        var client = Sdk(gateway);
        var weather = ChatTool.CreateFunctionTool(
            "get_weather",
            "The current weather of a place",
            BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["location"]}"""));
        var options = new ChatCompletionOptions { Tools = { weather }, ToolChoice = ChatToolChoice.CreateRequiredChoice(), AllowParallelToolCalls = false };
        List<ChatMessage> messages = [new UserChatMessage("What is the weather in Paris?")];

        var (id, name, arguments, finish) = stream ? await StreamedToolCallAsync(client, messages, options) : await ToolCallAsync(client, messages, options);

        Assert.Equal("get_weather", name);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        using (var parsed = JsonDocument.Parse(arguments))
        {
            Assert.Equal("Paris", parsed.RootElement.GetProperty("location").GetString());
            Assert.Equal("celsius", parsed.RootElement.GetProperty("unit").GetString());
        }

        var tools = sent[0].GetProperty("tools");
        Assert.Equal("get_weather", tools[0].GetProperty("name").GetString());
        Assert.Equal("object", tools[0].GetProperty("input_schema").GetProperty("type").GetString());
        Assert.Equal("any", sent[0].GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.True(sent[0].GetProperty("tool_choice").GetProperty("disable_parallel_tool_use").GetBoolean());

        // The second turn: the assistant's call and the tool's result go back as Anthropic's tool_use and tool_result.
        messages.Add(new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(id, name, BinaryData.FromString(arguments))]));
        messages.Add(new ToolChatMessage(id, "18 degrees and sunny"));
        messages.Add(new UserChatMessage("Thanks"));
        var answer = (await client.CompleteChatAsync(messages, new ChatCompletionOptions { Tools = { weather } })).Value;

        Assert.Equal("echo: Thanks", answer.Content[0].Text);
        var turns = sent[1].GetProperty("messages");
        Assert.Equal(["user", "assistant", "user"], turns.EnumerateArray().Select(static m => m.GetProperty("role").GetString()));
        var use = turns[1].GetProperty("content")[0];
        Assert.Equal(("tool_use", id, "get_weather"), (use.GetProperty("type").GetString(), use.GetProperty("id").GetString(), use.GetProperty("name").GetString()));
        Assert.Equal("Paris", use.GetProperty("input").GetProperty("location").GetString());
        var result = turns[2].GetProperty("content");
        Assert.Equal(("tool_result", id, "18 degrees and sunny"), (result[0].GetProperty("type").GetString(), result[0].GetProperty("tool_use_id").GetString(), result[0].GetProperty("content").GetString()));
        Assert.Equal("Thanks", result[1].GetProperty("text").GetString());
    }

    private static async Task<(string Id, string Name, string Arguments, ChatFinishReason Finish)> ToolCallAsync(ChatClient client, List<ChatMessage> messages, ChatCompletionOptions options)
    {
        var completion = (await client.CompleteChatAsync(messages, options)).Value;
        var call = Assert.Single(completion.ToolCalls);
        return (call.Id, call.FunctionName, call.FunctionArguments.ToString(), completion.FinishReason);
    }

    private static async Task<(string Id, string Name, string Arguments, ChatFinishReason Finish)> StreamedToolCallAsync(ChatClient client, List<ChatMessage> messages, ChatCompletionOptions options)
    {
        string? id = null, name = null;
        var arguments = new StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options))
        {
            foreach (var call in update.ToolCallUpdates)
            {
                Assert.Equal(0, call.Index);
                id ??= call.ToolCallId;
                name ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish = update.FinishReason ?? finish;
        }

        return (id!, name!, arguments.ToString(), finish!.Value);
    }

    [Fact]
    public async Task OpenAiProviderFailing_AnthropicServes_LedgerAndHeadersCarryItsModelTokensAndCost()
    {
        await using var openai = await Upstream.StartAsync();
        openai.Behaviour = Upstream.Status(503);
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = FakeAnthropic.Behaviour();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(openai.BaseAddress, anthropic.BaseAddress, firstName: "openai", secondName: "anthropic"));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(openai.Requests >= 1);
        Assert.Equal("anthropic", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(FakeAnthropic.Model, response.Headers.GetValues("X-Bulwark-Model").Single());
        Assert.Equal("input=25; output=4; cached_input=4", response.Headers.GetValues("X-Bulwark-Tokens").Single());
        // 21 × 0.80 + 4 × 0.08 + 4 × 4.00, per million.
        Assert.Equal("0.00003312 USD", response.Headers.GetValues("X-Bulwark-Cost").Single());
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("chat.completion", body.RootElement.GetProperty("object").GetString());

        var rows = await UsageLedgerTests.PollGroupsAsync(gateway, "provider", 1, AdminToken);
        var row = Assert.Single(rows);
        Assert.Equal("anthropic", row.GetProperty("key").GetString());
        Assert.Equal(25, row.GetProperty("input_tokens").GetInt64());
        Assert.Equal(4, row.GetProperty("output_tokens").GetInt64());
        Assert.Equal(0.00003312m, row.GetProperty("cost").GetDecimal());
    }

    /// <summary>The SDK's stream, its OpenAI provider refusing: failed over to Anthropic, whose events the SDK parses as OpenAI chunks.</summary>
    [Fact]
    public async Task Sdk_Streaming_OpenAiProviderFailing_FailsOverToAnthropic_TheSdkParsesTheStream()
    {
        await using var openai = await Upstream.StartAsync();
        openai.Behaviour = Upstream.Status(500);
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = FakeAnthropic.Behaviour();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(openai.BaseAddress, anthropic.BaseAddress, firstName: "openai", secondName: "anthropic"));

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in Sdk(gateway).CompleteChatStreamingAsync([new UserChatMessage("Failing over")]))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(static p => p.Text)));
            usage = update.Usage ?? usage;
        }

        Assert.Equal("echo: Failing over", text.ToString());
        Assert.Equal(FakeAnthropic.InputTokens + FakeAnthropic.CacheReadTokens, usage!.InputTokenCount);
        Assert.Equal(3, openai.Requests);
        Assert.Equal(1, anthropic.Requests);
        var rows = await UsageLedgerTests.PollGroupsAsync(gateway, "model", 1, AdminToken);
        Assert.Equal(FakeAnthropic.Model, Assert.Single(rows).GetProperty("key").GetString());
    }

    /// <summary>Anthropic's stream fails before its first content (overloaded): nothing reached the client, so the OpenAI provider serves.</summary>
    [Fact]
    public async Task StreamFailingBeforeItsFirstContent_FailsOver_TheClientSeesOnlyTheNextProvidersStream()
    {
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = AiWireFixtures.Stream(
        [
            FakeAnthropic.Events(1, FakeAnthropic.Model, "x", null, 1)[0],
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
        ]);
        await using var openai = await Upstream.StartAsync();
        openai.Behaviour = AiWireFixtures.Stream(AiWireFixtures.OpenAiChunks);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, openai.BaseAddress));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent(AiWireFixtures.StreamingChatRequest));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("openai", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(string.Concat(AiWireFixtures.OpenAiChunks), body);
        Assert.Equal(3, anthropic.Requests);
    }

    /// <summary>A field of a type no rule expects (a number where OpenAI's API takes a string) passes the Anthropic provider over: never a 500.</summary>
    [Theory]
    [InlineData("\"response_format\":{\"type\":1}")]
    [InlineData("\"modalities\":[1]")]
    [InlineData("\"tool_choice\":{\"type\":1}")]
    [InlineData("\"user\":{\"id\":1}")]
    public async Task FieldOfAnUnexpectedType_PassesAnthropicOver_NeverA500(string field)
    {
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = FakeAnthropic.Behaviour();
        await using var openai = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, openai.BaseAddress));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent("""{"model":"gpt-4o-mini",""" + field + ""","messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("openai", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(0, anthropic.Requests);
    }

    [Fact]
    public async Task FieldAnthropicCannotHonour_ItIsPassedOverWithTheReason_TheOpenAiProviderServes()
    {
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = FakeAnthropic.Behaviour();
        await using var openai = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, openai.BaseAddress));

        using var served = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent("""{"model":"gpt-4o-mini","logprobs":true,"messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("openai", served.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(0, anthropic.Requests);
        Assert.Equal(1, openai.Requests);
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o-mini","logprobs":true,"messages":[{"role":"user","content":"Hi"}]}""", "skipped: 'logprobs' cannot be served: Anthropic's API returns no log probabilities")]
    [InlineData("""{"model":"gpt-4o-mini","seed":7,"messages":[{"role":"user","content":"Hi"}]}""", "skipped: 'seed' cannot be translated for Anthropic's API")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","name":"ann","content":"Hi"}]}""", "skipped: 'messages[0].name' cannot be translated for Anthropic's API")]
    [InlineData("""{"model":"gpt-4o-mini","temperature":1.5,"messages":[{"role":"user","content":"Hi"}]}""", "skipped: 'temperature' must be a number from 0 to 1 for Anthropic (OpenAI's range goes to 2)")]
    public async Task OnlyAnthropic_FieldItCannotHonour_400NotServed_SayingWhich(string body, string outcome)
    {
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = FakeAnthropic.Behaviour();
        await using var unused = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, unused.BaseAddress).Replace("[ \"anthropic\", \"openai\" ]", "[ \"anthropic\" ]", StringComparison.Ordinal));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:not-served", problem.GetProperty("type").GetString());
        Assert.Equal(outcome, Assert.Single(problem.GetProperty("attempts").EnumerateArray()).GetProperty("outcome").GetString());
        Assert.Equal(0, anthropic.Requests);
    }

    [Fact]
    public async Task NotAChatCompletion_AnthropicPassedOver_TheOpenAiProviderServes()
    {
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = FakeAnthropic.Behaviour();
        await using var openai = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, openai.BaseAddress));

        using var embeddings = await gateway.Client.PostAsync("/v1/embeddings", AiWireFixtures.JsonContent("""{"model":"text-embedding-3-small","input":"Hi"}"""));
        using var models = await gateway.Client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, embeddings.StatusCode);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(0, anthropic.Requests);
        Assert.Equal(["/v1/embeddings", "/v1/models"], openai.Snapshot().Select(static r => r.PathAndQuery));
    }

    [Fact]
    public async Task AnthropicRefusesTheRequest_TheSdkGetsItsStatusAndMessageInOpenAisErrorShape()
    {
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = (context, _) => FakeAnthropic.ErrorAsync(context, 400, "invalid_request_error", "messages.0.content: prompt is too long: 210000 tokens > 200000 maximum");
        await using var unused = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, unused.BaseAddress));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Sdk(gateway).CompleteChatAsync([new UserChatMessage("Hi")]));

        Assert.Equal(400, error.Status);
        Assert.Contains("prompt is too long: 210000 tokens > 200000 maximum", error.Message, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(error.GetRawResponse()!.Content.ToString());
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(0, unused.Requests);
    }

    [Fact]
    public async Task AnthropicOverloaded529_HeldBack_AndTheNextProviderServes()
    {
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = (context, _) => FakeAnthropic.ErrorAsync(context, 529, "overloaded_error", "Overloaded");
        await using var openai = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, openai.BaseAddress));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("openai", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(3, anthropic.Requests);
    }

    [Fact]
    public async Task AnswerThatIsNotAMessage_FailsTheAttempt_TheNextProviderServes()
    {
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = AiWireFixtures.Json("""{"unexpected":true}""");
        await using var openai = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, openai.BaseAddress));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("openai", response.Headers.GetValues("X-Bulwark-Provider").Single());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task StreamThatFailsMidway_TheClientSeesTheErrorAndABrokenStream_NeverACleanEnd()
    {
        // The error event waits until the client has the first content: the stream has started when it fails.
        var contentSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var anthropic = await Upstream.StartAsync();
        anthropic.Behaviour = AiWireFixtures.Stream(FakeAnthropic.Events(1, FakeAnthropic.Model, "echo: Hi", tool: null, outputTokens: 3, failMidway: true), contentSeen.Task);
        await using var unused = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(anthropic.BaseAddress, unused.BaseAddress));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = AiWireFixtures.JsonContent("""{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hi"}]}"""),
        };
        using var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = new StringBuilder();
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        var broken = await Record.ExceptionAsync(async () =>
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (received.ToString().Contains("\"content\":\"echo: \"", StringComparison.Ordinal))
                {
                    contentSeen.TrySetResult();
                }
            }
        });

        // The connection is cut (the error event written before the cut usually arrives, but a reset may overtake it).
        Assert.IsAssignableFrom<IOException>(broken);
        Assert.Contains("\"content\":\"echo: \"", received.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", received.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, unused.Requests);
    }
}
