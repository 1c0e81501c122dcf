using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>
/// Requests that break HTTP/1.1 framing (RFC 9112) sent as raw bytes: each is the client's bad request — 400, nothing
/// sent to a provider, no error logged with a stack trace.
/// </summary>
public class MalformedRequestTests(MalformedRequestTests.Fixture fixture) : IClassFixture<MalformedRequestTests.Fixture>
{
    /// <summary>
    /// The corpus: what each request breaks, its bytes, and whether the gateway's own code sees it (so answers
    /// problem+json) or Kestrel refuses it while parsing, before any application code runs, with its own empty 400.
    /// </summary>
    public static readonly TheoryData<string, string, bool> Corpus = new()
    {
        { "chunk-size overflow", Post("Transfer-Encoding: chunked", "FFFFFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n"), true },
        { "chunk-size overflow after a good chunk", Post("Transfer-Encoding: chunked", "3\r\nabc\r\n10000000000000000\r\nabc\r\n0\r\n\r\n"), true },
        { "chunk size not hexadecimal", Post("Transfer-Encoding: chunked", "xyz\r\nabc\r\n0\r\n\r\n"), true },
        { "duplicate Content-Length, same value", Post("Content-Length: 3\r\nContent-Length: 3", "abc"), false },
        { "duplicate Content-Length, different values", Post("Content-Length: 3\r\nContent-Length: 5", "abcde"), false },
        { "Content-Length with a plus sign", Post("Content-Length: +3", "abc"), false },
        { "Content-Length with a minus sign", Post("Content-Length: -3", "abc"), false },
        { "bare LF line endings", "POST /api/x HTTP/1.1\nHost: gateway\nContent-Length: 3\n\nabc", false },
        { "bare LF ending one header line", "POST /api/x HTTP/1.1\r\nHost: gateway\nX-Smuggled: 1\r\nContent-Length: 3\r\n\r\nabc", false },
        { "obs-fold header continuation", Post("X-Folded: first\r\n second\r\nContent-Length: 3", "abc"), false },
        { "Content-Length and Transfer-Encoding", Post("Content-Length: 3\r\nTransfer-Encoding: chunked", "3\r\nabc\r\n0\r\n\r\n"), false },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task MalformedRequest_Is400_AndNothingReachesTheProvider(string breaks, string request, bool problemJson)
    {
        int before = fixture.Upstream.Requests;
        int logged = fixture.Logs.Records.Count;

        var response = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, request);

        Assert.True(response.Status == 400, $"{breaks}: answered {response.Status}");
        if (problemJson)
        {
            Assert.Equal(["application/problem+json"], response.Values("Content-Type"));
            using var problem = JsonDocument.Parse(response.Body);
            Assert.Equal("urn:bulwark:problem:bad-request-body", problem.RootElement.GetProperty("type").GetString());
            Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
            Assert.False(problem.RootElement.GetProperty("retryable").GetBoolean());
        }

        // The gateway has finished with the request (answered, logged): nothing was sent upstream, not even partly.
        await fixture.Gateway.WaitUntilIdleAsync();
        Assert.Equal(before, fixture.Upstream.Requests);
        var records = fixture.Logs.Records.Skip(logged).ToList();
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Warning && r.Exception is not null);
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task ChunkSizeOverflow_IsLoggedAtDebugWithoutAStackTrace()
    {
        var response = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, Post("Transfer-Encoding: chunked\r\nX-Correlation-ID: chunk-overflow-1", "FFFFFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n"));

        Assert.Equal(400, response.Status);
        await fixture.Gateway.WaitUntilIdleAsync();
        var logged = Assert.Single(fixture.Logs.Records, r => r.Category.StartsWith("Bulwark.Gateway", StringComparison.Ordinal) && r.Message.Contains("chunk-overflow-1", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Debug, logged.Level);
        Assert.Null(logged.Exception);
        Assert.DoesNotContain(" at ", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkSizeOverflow_AfterTheBodyBeganStreaming_AbortsTheUpstreamRequest_AndIs400()
    {
        // Over this gateway's 1 KiB buffer limit: the body streams to the provider as it arrives. The provider has
        // the request (and its first 2 KiB) when the bad chunk comes; the gateway aborts that upstream request, so
        // the provider's read of the body fails and it never handles a request, and the client is told 400.
        var handled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fixture.Upstream.Behaviour = (_, _) =>
        {
            handled.TrySetResult();
            return Task.CompletedTask;
        };
        int before = fixture.Upstream.Requests;
        int logged = fixture.Logs.Records.Count;
        using var connection = await RawConnection.OpenAsync(fixture.Gateway.BaseAddress);

        await connection.WriteAsync(Post("Transfer-Encoding: chunked\r\nX-Correlation-ID: chunk-overflow-streamed", $"800\r\n{new string('a', 2048)}\r\n"));
        await Poll.UntilAsync(() => fixture.Upstream.Requests == before + 1, "the streamed request to reach the provider");
        await connection.WriteAsync("FFFFFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n0\r\n\r\n");
        var response = await connection.ReadResponseAsync();

        Assert.Equal(400, response.Status);
        Assert.Equal(["application/problem+json"], response.Values("Content-Type"));
        Assert.Contains("urn:bulwark:problem:bad-request-body", response.Body, StringComparison.Ordinal);
        await fixture.Gateway.WaitUntilIdleAsync();
        Assert.False(handled.Task.IsCompleted, "the provider received the whole body and handled the request");
        Assert.DoesNotContain(fixture.Upstream.Snapshot(), r => r.Headers.TryGetValue("X-Correlation-ID", out var id) && id == "chunk-overflow-streamed");
        var records = fixture.Logs.Records.Skip(logged).ToList();
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Error);
        Assert.DoesNotContain(records, r => r.Level >= LogLevel.Warning && r.Exception is not null);
    }

    private static string Post(string headers, string body) =>
        $"POST /api/x HTTP/1.1\r\nHost: gateway\r\n{headers}\r\n\r\n{body}";

    public sealed class Fixture : IAsyncLifetime
    {
        private ConfigFile _config = null!;

        internal Upstream Upstream { get; private set; } = null!;

        internal GatewayUnderTest Gateway { get; private set; } = null!;

        internal RecordingLoggerProvider Logs { get; } = new();

        public async Task InitializeAsync()
        {
            Upstream = await Upstream.StartAsync();
            string json = $$"""
                {
                  "Bulwark": {
                    "MaxBufferedBodyBytes": 1024,
                    "Pipelines": { "default": {{Configs.FastPipeline}} },
                    "Providers": { "primary": { "BaseUrl": "{{Upstream.BaseAddress.ToString().TrimEnd('/')}}" } },
                    "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "primary" ] } ]
                  }
                }
                """;
            _config = ConfigFile.Create(json);
            Gateway = await GatewayUnderTest.StartFromFileAsync(_config.Path, Logs, minimumLogLevel: LogLevel.Debug);
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Upstream.DisposeAsync();
            _config.Dispose();
        }
    }
}
