using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Usage;

/// <summary>
/// Usage and cost through the gateway, against real Kestrel fake providers speaking OpenAI's and Anthropic's wire
/// formats: the request log line and the <c>gen_ai.*</c> metrics carry provider, model, tokens and cost.
/// </summary>
public class UsageTests
{
    private const int RequestCompleted = Bulwark.AspNetCore.EventIds.RequestCompleted;

    private static string Config(Uri primary, Uri secondary, string api = "OpenAI", string? prices = null) => $$"""
        {
          "Bulwark": {
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": {
              "primary":   { "BaseUrl": "{{primary.ToString().TrimEnd('/')}}", "Prices": {{prices ?? """{ "gpt-4o-mini": { "Input": 0.15, "Output": 0.60, "CachedInput": 0.075 }, "claude-sonnet-4": { "Input": 3, "Output": 15, "CachedInput": 0.30 } }"""}} },
              "secondary": { "BaseUrl": "{{secondary.ToString().TrimEnd('/')}}" }
            },
            "Routes": [
              { "Path": "/v1/{**rest}", "Providers": [ "primary", "secondary" ], "Api": "{{api}}" }
            ]
          }
        }
        """;

    [Fact]
    public async Task OpenAiJson_LogLineAndMetrics_CarryProviderModelTokensAndCost()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress));
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);
        using var metrics = new GenAiMetrics(gateway);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AiWireFixtures.OpenAiChatCompletion, await response.Content.ReadAsStringAsync());
        Assert.Equal(AiWireFixtures.OpenAiModel, response.Headers.GetValues("X-Bulwark-Model").Single());
        Assert.Equal("input=1200; output=300; cached_input=200", response.Headers.GetValues("X-Bulwark-Tokens").Single());
        Assert.Equal("0.000345 USD", response.Headers.GetValues("X-Bulwark-Cost").Single());
        var line = await RequestLineAsync(logs);
        // (1000 × 0.15 + 200 × 0.075 + 300 × 0.60) / 1e6
        Assert.Contains("provider primary;", line, StringComparison.Ordinal);
        Assert.Contains($"model {AiWireFixtures.OpenAiModel}; tokens in 1200 (cached 200) out 300; cost 0.000345", line, StringComparison.Ordinal);

        await Poll.UntilAsync(() => metrics.Cost.Count > 0, "the cost counter");
        var input = Assert.Single(metrics.Tokens, m => Equals(m.Tags["gen_ai.token.type"], "input"));
        var output = Assert.Single(metrics.Tokens, m => Equals(m.Tags["gen_ai.token.type"], "output"));
        Assert.Equal(1200, input.Value);
        Assert.Equal(300, output.Value);
        Assert.Equal("openai", input.Tags["gen_ai.system"]);
        Assert.Equal("openai", input.Tags["gen_ai.provider.name"]);
        Assert.Equal("chat", input.Tags["gen_ai.operation.name"]);
        Assert.Equal("gpt-4o-mini", input.Tags["gen_ai.request.model"]);
        Assert.Equal(AiWireFixtures.OpenAiModel, input.Tags["gen_ai.response.model"]);
        Assert.Equal("primary", input.Tags["bulwark.provider"]);
        Assert.Equal(0.000345, Assert.Single(metrics.Cost).Value, 9);
        Assert.Equal("USD", metrics.Cost.Single().Tags["bulwark.cost.currency"]);
        var duration = Assert.Single(metrics.Durations);
        Assert.True(duration.Value > 0);
        Assert.Equal(AiWireFixtures.OpenAiModel, duration.Tags["gen_ai.response.model"]);
    }

    [Fact]
    public async Task OpenAiStream_PassesEachChunkBeforeTheNext_AndReadsTheLastChunksUsage()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var clientHasFirstChunks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Behaviour = AiWireFixtures.Stream([.. AiWireFixtures.OpenAiChunks[..^1], AiWireFixtures.OpenAiChunks[^1]], clientHasFirstChunks.Task);
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress));
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);
        using var metrics = new GenAiMetrics(gateway);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = AiWireFixtures.JsonContent(AiWireFixtures.StreamingChatRequest) };
        using var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();

        // Everything up to the usage chunk reaches the client while the provider holds back [DONE]: nothing is buffered.
        string expectedFirst = string.Concat(AiWireFixtures.OpenAiChunks[..^1]);
        string first = await Poll.WithinAsync(ReadAsync(body, expectedFirst.Length), "the chunks the provider has sent");
        Assert.Equal(expectedFirst, first);
        clientHasFirstChunks.SetResult();
        Assert.Equal("data: [DONE]\n\n", await Poll.WithinAsync(new StreamReader(body).ReadToEndAsync(), "the end of the stream"));

        // The headers went with the first chunk, before the usage was known; HTTP/1.1 carries no trailers here.
        Assert.False(response.Headers.Contains("X-Bulwark-Tokens"));
        Assert.Empty(response.TrailingHeaders);

        var line = await RequestLineAsync(logs);
        // (5 × 0.15 + 4 × 0.075 + 12 × 0.60) / 1e6
        Assert.Contains($"model {AiWireFixtures.OpenAiModel}; tokens in 9 (cached 4) out 12; cost 0.00000825", line, StringComparison.Ordinal);
        await Poll.UntilAsync(() => metrics.Tokens.Count == 2, "the token histogram");
    }

    [Fact]
    public async Task AnthropicStream_InputFromMessageStart_OutputFromMessageDelta_CostAtTheProvidersPrices()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = AiWireFixtures.Stream(AiWireFixtures.AnthropicEvents);
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress, api: "Anthropic"));
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);
        using var metrics = new GenAiMetrics(gateway);

        using var response = await gateway.Client.PostAsync("/v1/messages", AiWireFixtures.JsonContent(AiWireFixtures.AnthropicRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Concat(AiWireFixtures.AnthropicEvents), await response.Content.ReadAsStringAsync());
        var line = await RequestLineAsync(logs);
        // (25 × 3 + 100 × 0.30 + 15 × 15) / 1e6
        Assert.Contains($"model {AiWireFixtures.AnthropicModel}; tokens in 125 (cached 100) out 15; cost 0.00033", line, StringComparison.Ordinal);
        await Poll.UntilAsync(() => metrics.Tokens.Count == 2, "the token histogram");
        Assert.All(metrics.Tokens, m => Assert.Equal("anthropic", m.Tags["gen_ai.system"]));
    }

    [Fact]
    public async Task AnthropicStream_CutAfterMessageStart_ReportsTheInputItHad_AndTheClientSeesTheCut()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var clientHasStart = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Behaviour = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(AiWireFixtures.AnthropicEvents[0], context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await clientHasStart.Task.WaitAsync(Poll.DefaultTimeout, context.RequestAborted);
            context.Abort();
        };
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress, api: "Anthropic"));
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = AiWireFixtures.JsonContent(AiWireFixtures.AnthropicRequest) };
        using var response = await gateway.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        Assert.Equal(AiWireFixtures.AnthropicEvents[0], await Poll.WithinAsync(ReadAsync(body, AiWireFixtures.AnthropicEvents[0].Length), "message_start"));
        clientHasStart.SetResult();
        await Assert.ThrowsAnyAsync<IOException>(() => Poll.WithinAsync(body.CopyToAsync(Stream.Null), "the cut"));

        var line = await RequestLineAsync(logs);
        Assert.Contains("error stream-broken", line, StringComparison.Ordinal);
        Assert.Contains($"model {AiWireFixtures.AnthropicModel}; tokens in 125 (cached 100) out 1;", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelWithoutAPrice_TokensCounted_CostUnknownNotZero()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress, prices: """{ "gpt-4o": { "Input": 2.5, "Output": 10 } }"""));
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);
        using var metrics = new GenAiMetrics(gateway);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("unknown", response.Headers.GetValues("X-Bulwark-Cost").Single());
        Assert.Equal("input=1200; output=300; cached_input=200", response.Headers.GetValues("X-Bulwark-Tokens").Single());
        var line = await RequestLineAsync(logs);
        Assert.Contains("tokens in 1200 (cached 200) out 300; cost (null)", line, StringComparison.Ordinal);
        await Poll.UntilAsync(() => metrics.Tokens.Count == 2, "the token histogram");
        Assert.Empty(metrics.Cost);
    }

    [Fact]
    public async Task ServedAfterFailover_PricedAtTheServingProvider()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        secondary.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress));
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = await RequestLineAsync(logs);
        // The secondary has no prices: the primary's do not apply to what the secondary served.
        Assert.Contains("provider secondary;", line, StringComparison.Ordinal);
        Assert.Contains("tokens in 1200 (cached 200) out 300; cost (null)", line, StringComparison.Ordinal);
    }

    /// <summary>
    /// A JSON answer held back for its usage reaches the client only whole: one that breaks off mid-way has sent the client
    /// nothing, so the chat completion (replayable on an OpenAI route) is tried again, and served by the next provider,
    /// instead of reaching the client cut.
    /// </summary>
    [Fact]
    public async Task HeldBackJsonBreakingMidway_NothingReachedTheClient_TheNextProviderServes()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = async (context, _) =>
        {
            byte[] whole = System.Text.Encoding.UTF8.GetBytes(AiWireFixtures.OpenAiChatCompletion);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = whole.Length;
            await context.Response.Body.WriteAsync(whole.AsMemory(0, whole.Length / 2), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            context.Abort();
        };
        secondary.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress));
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(AiWireFixtures.OpenAiChatCompletion, await response.Content.ReadAsStringAsync());
        // Each break is a failed attempt: the primary's pipeline retries it (three attempts), then the chain moves on.
        Assert.Equal((3, 1), (primary.Requests, secondary.Requests));
        Assert.Contains("provider secondary;", await RequestLineAsync(logs), StringComparison.Ordinal);
    }

    /// <summary>The model a client names goes back in <c>X-Bulwark-Model</c> only when a header can carry it: never a 500 for a name it cannot.</summary>
    [Fact]
    public async Task ClientModelAHeaderCannotCarry_AnswerWithoutAModel_IsServed_WithoutTheModelHeader()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = AiWireFixtures.Json("""{"object":"chat.completion","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""");
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent("""{"model":"gpt-\u00e9t\u00e9","messages":[]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Bulwark-Model"));
        Assert.Equal("input=3; output=1", response.Headers.GetValues("X-Bulwark-Tokens").Single());
    }

    [Fact]
    public async Task JsonOverOneMebibyte_PassesWhole_UsageUnknown_NoUsageHeaders()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        string big = "{\"model\":\"gpt-4o-mini\",\"data\":\"" + new string('a', 1_200_000) + "\",\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}";
        primary.Behaviour = AiWireFixtures.Json(big);
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress));
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);

        using var response = await gateway.Client.PostAsync("/v1/embeddings", AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(big, await response.Content.ReadAsStringAsync());
        Assert.False(response.Headers.Contains("X-Bulwark-Tokens"));
        Assert.Contains("model gpt-4o-mini; tokens in (null) (cached (null)) out (null); cost (null)", await RequestLineAsync(logs), StringComparison.Ordinal);
    }

    /// <summary>
    /// A client that takes gzip (the Node and Python SDKs do): on an AI route the provider is asked for an unencoded answer,
    /// so its usage is read; on a plain route the client's encodings go as they came.
    /// </summary>
    [Theory]
    [InlineData("OpenAI", "identity")]
    [InlineData("Http", "gzip, deflate, br")]
    public async Task ClientTakingGzip_AiRouteAsksTheProviderForIdentity_SoUsageIsRead(string api, string sentUpstream)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary.BaseAddress, secondary.BaseAddress, api: api));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest) };
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, deflate, br");

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(sentUpstream, Assert.Single(primary.Snapshot()).Headers["Accept-Encoding"]);
        Assert.Equal(api == "OpenAI", response.Headers.Contains("X-Bulwark-Tokens"));
    }

    [Fact]
    public async Task HttpRoute_UsageIsNotRead()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = AiWireFixtures.Json(AiWireFixtures.OpenAiChatCompletion);
        using var file = ConfigFile.Create(Config(primary.BaseAddress, secondary.BaseAddress, api: "Http"));
        using var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", AiWireFixtures.JsonContent(AiWireFixtures.ChatRequest));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Bulwark-Model"));
        Assert.Contains("model (null); tokens in (null) (cached (null)) out (null); cost (null)", await RequestLineAsync(logs), StringComparison.Ordinal);
    }

    private static async Task<string> RequestLineAsync(RecordingLoggerProvider logs)
    {
        await Poll.UntilAsync(() => logs.WithEventId(RequestCompleted).Count > 0, "the request log line");
        return logs.WithEventId(RequestCompleted)[0].Message;
    }

    private static async Task<string> ReadAsync(Stream body, int length)
    {
        var buffer = new byte[length];
        int read = 0;
        while (read < length)
        {
            int n = await body.ReadAsync(buffer.AsMemory(read));
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }

    /// <summary>The gateway's <c>gen_ai.*</c> measurements (its own meters only).</summary>
    private sealed class GenAiMetrics : IDisposable
    {
        private readonly MeterListener _listener;
        private readonly ConcurrentQueue<Measured> _tokens = new();
        private readonly ConcurrentQueue<Measured> _durations = new();
        private readonly ConcurrentQueue<Measured> _cost = new();

        public GenAiMetrics(GatewayUnderTest gateway)
        {
            var factory = gateway.Services.GetRequiredService<IMeterFactory>();
            _listener = new MeterListener
            {
                InstrumentPublished = (instrument, listener) =>
                {
                    if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name is "gen_ai.client.token.usage" or "gen_ai.client.operation.duration" or "bulwark.gen_ai.cost")
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                },
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public IReadOnlyList<Measured> Tokens => [.. _tokens];

        public IReadOnlyList<Measured> Durations => [.. _durations];

        public IReadOnlyList<Measured> Cost => [.. _cost];

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var measured = new Measured(value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value));
            (instrument.Name switch
            {
                "gen_ai.client.token.usage" => _tokens,
                "gen_ai.client.operation.duration" => _durations,
                _ => _cost,
            }).Enqueue(measured);
        }
    }

    private sealed record Measured(double Value, Dictionary<string, object?> Tags);
}
