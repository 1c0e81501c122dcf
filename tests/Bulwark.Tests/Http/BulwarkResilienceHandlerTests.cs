using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Bulwark.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.Http;

public class BulwarkResilienceHandlerTests
{
    private static readonly TimeSpan Timeout = UpstreamServer.Timeout;

    [Fact]
    public async Task SendAsync_TransientTwiceThenSuccess_RetriesAndReturnsSuccess()
    {
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await UpstreamServer.StartAsync((context, attempt) =>
        {
            seen.Enqueue(context.Request.Method + " " + context.Request.Path + context.Request.QueryString);
            context.Response.StatusCode = attempt <= 2 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        await using var harness = HttpClientHarness.Create(new HttpPipelineSettings { MaxRetries = 3 }, upstream, b => b.AddBulwarkHandler("default"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/items?page=2");

        using var response = await harness.Client.SendAsync(request).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, upstream.Attempts);
        Assert.Equal(3, harness.Sent.Count);
        Assert.All(seen, s => Assert.Equal("GET /items?page=2", s));
        Assert.Same(request, response.RequestMessage);
    }

    [Fact]
    public async Task SendAsync_PostWithStreamedBody_EveryAttemptSendsTheFullBodyAndHeaders()
    {
        var body = RandomNumberGenerator.GetBytes(256 * 1024);
        var expectedHash = Convert.ToHexString(SHA256.HashData(body));
        var seen = new ConcurrentQueue<(string Method, string Hash, long Length, string? ContentType, string? Language, string? Trace)>();
        await using var upstream = await UpstreamServer.StartAsync(async (context, attempt) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
            var headers = context.Request.Headers;
            seen.Enqueue((context.Request.Method, Convert.ToHexString(SHA256.HashData(buffer.ToArray())), buffer.Length,
                context.Request.ContentType, headers.ContentLanguage, headers["X-Trace"]));
            context.Response.StatusCode = attempt <= 2 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status201Created;
        });
        await using var harness = HttpClientHarness.Create(new HttpPipelineSettings { MaxRetries = 3 }, upstream, b => b.AddBulwarkHandler("default"));
        using var content = new StreamContent(new NonSeekableStream(body));
        content.Headers.ContentType = new("application/x-test");
        content.Headers.ContentLanguage.Add("fr");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = content };
        request.Headers.Add("X-Trace", "abc-123");

        using var response = await harness.Client.SendAsync(request).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(3, seen.Count);
        Assert.All(seen, s => Assert.Equal(("POST", expectedHash, (long)body.Length, (string?)"application/x-test", (string?)"fr", (string?)"abc-123"), s));

        // The first attempt sent the caller's request; the retries sent clones, disposed once their attempt ended.
        var attempts = harness.Sent.ToArray();
        Assert.Equal(3, attempts.Length);
        Assert.Same(request, attempts[0].Request);
        Assert.All(attempts.Skip(1), a =>
        {
            Assert.NotSame(request, a.Request);
            Assert.Throws<ObjectDisposedException>(() => a.Request.Content!.ReadAsStream());
        });

        // The retried 503s were disposed by the retry strategy.
        foreach (var (_, failed) in attempts.Take(2))
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => failed!.Content.ReadAsStringAsync().WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task SendAsync_NonTransientStatus_ReturnedWithoutRetryOrFallback()
    {
        await using var upstream = await UpstreamServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return context.Response.WriteAsync("bad input");
        });
        var settings = new HttpPipelineSettings { MaxRetries = 3, Fallback = new BulwarkFallbackOptions { StatusCode = 200, Body = "fallback" } };
        await using var harness = HttpClientHarness.Create(settings, upstream, b => b.AddBulwarkHandler("default"));

        using var response = await harness.Client.GetAsync("/").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad input", await response.Content.ReadAsStringAsync().WaitAsync(Timeout));
        Assert.Equal(1, upstream.Attempts);
        Assert.Single(harness.Sent);
    }

    [Fact]
    public async Task SendAsync_RepeatedFailures_OpenBreakerThenFailFastWithoutReachingServer()
    {
        await using var upstream = await UpstreamServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        var settings = new HttpPipelineSettings { MaxRetries = 2, BreakerFailureThreshold = 3 };
        await using var harness = HttpClientHarness.Create(settings, upstream, b => b.AddBulwarkHandler("default"));
        var client = harness.Client;

        using (var response = await client.GetAsync("/").WaitAsync(Timeout))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Assert.Equal(3, upstream.Attempts);
        Assert.Equal(CircuitState.Open, harness.Pipelines.GetPipeline("default").CircuitBreaker!.State);

        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAnyAsync<BrokenCircuitException>(() => client.GetAsync("/").WaitAsync(Timeout));
        }

        Assert.Equal(3, upstream.Attempts);
        Assert.Equal(3, harness.Sent.Count);
    }

    [Fact]
    public async Task SendAsync_InstanceName_ClientGetsItsOwnBreaker()
    {
        await using var upstream = await UpstreamServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = context.Request.Path == "/payments" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return Task.CompletedTask;
        });
        var settings = new HttpPipelineSettings { MaxRetries = 0, BreakerFailureThreshold = 1 };
        await using var harness = HttpClientHarness.Create(settings, upstream, b => b.AddBulwarkHandler("default", instanceName: "payments"), services =>
            services.AddHttpClient("orders", c => c.BaseAddress = upstream.BaseAddress).AddBulwarkHandler("default"));
        var payments = harness.Client;
        var orders = harness.CreateClient("orders");

        using (var failed = await payments.GetAsync("/payments").WaitAsync(Timeout))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        await Assert.ThrowsAnyAsync<BrokenCircuitException>(() => payments.GetAsync("/payments").WaitAsync(Timeout));
        using var ok = await orders.GetAsync("/orders").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, upstream.Attempts);
        Assert.Equal(CircuitState.Open, harness.Pipelines.GetPipeline("default", "payments").CircuitBreaker!.State);
        Assert.Equal(CircuitState.Closed, harness.Pipelines.GetPipeline("default").CircuitBreaker!.State);
    }

    [Fact]
    public async Task SendAsync_FinalTransientResponse_ReturnsFallbackAndDisposesFailedResponses()
    {
        await using var upstream = await UpstreamServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsync("down");
        });
        var fallback = new BulwarkFallbackOptions { StatusCode = 200, ContentType = "application/json", Body = "{\"fallback\":true}" };
        await using var harness = HttpClientHarness.Create(new HttpPipelineSettings { MaxRetries = 1, Fallback = fallback }, upstream, b => b.AddBulwarkHandler("default"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");

        using var response = await harness.Client.SendAsync(request).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"fallback\":true}", await response.Content.ReadAsStringAsync().WaitAsync(Timeout));
        Assert.Same(request, response.RequestMessage);
        Assert.Equal(2, upstream.Attempts);
        Assert.Equal(2, harness.Sent.Count);
        foreach (var (_, failed) in harness.Sent)
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => failed!.Content.ReadAsStringAsync().WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task SendAsync_FinalException_ReturnsFallbackWhenConfigured()
    {
        await using var upstream = await UpstreamServer.StartAsync((context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        var settings = new HttpPipelineSettings { MaxRetries = 1, Fallback = new BulwarkFallbackOptions { StatusCode = 503, Body = "{}" } };
        await using var harness = HttpClientHarness.Create(settings, upstream, b => b.AddBulwarkHandler("default"));

        using var response = await harness.Client.GetAsync("/").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("{}", await response.Content.ReadAsStringAsync().WaitAsync(Timeout));
        Assert.Equal(2, harness.Sent.Count);
        Assert.All(harness.Sent, a => Assert.Null(a.Response));
    }

    [Fact]
    public async Task SendAsync_FinalException_ThrownWithoutFallback()
    {
        await using var upstream = await UpstreamServer.StartAsync((context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        await using var harness = HttpClientHarness.Create(new HttpPipelineSettings { MaxRetries = 1 }, upstream, b => b.AddBulwarkHandler("default"));

        await Assert.ThrowsAsync<HttpRequestException>(() => harness.Client.GetAsync("/").WaitAsync(Timeout));
        Assert.Equal(2, harness.Sent.Count);
    }

    [Fact]
    public async Task SendAsync_ConnectionReset_RetriedOnNewConnection()
    {
        await using var upstream = await UpstreamServer.StartAsync((context, attempt) =>
        {
            if (attempt == 1)
            {
                context.Abort();
            }

            return Task.CompletedTask;
        });
        await using var harness = HttpClientHarness.Create(new HttpPipelineSettings { MaxRetries = 2 }, upstream, b => b.AddBulwarkHandler("default"));

        using var response = await harness.Client.GetAsync("/").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, upstream.Attempts);
        Assert.Equal(2, harness.Sent.Count);
        Assert.Null(harness.Sent.First().Response);
    }

    [Fact]
    public async Task SendAsync_AttemptHangs_AttemptTimeoutCancelsItAndRetries()
    {
        var firstAborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await UpstreamServer.StartAsync(async (context, attempt) =>
        {
            if (attempt == 1)
            {
                await HangUntilAbortedAsync(context);
                firstAborted.TrySetResult();
            }
        });
        var settings = new HttpPipelineSettings { MaxRetries = 1, AttemptTimeout = TimeSpan.FromSeconds(2) };
        await using var harness = HttpClientHarness.Create(settings, upstream, b => b.AddBulwarkHandler("default"));

        var send = harness.Client.GetAsync("/");
        await upstream.WaitForAttemptsAsync(1);
        harness.Time.Advance(TimeSpan.FromSeconds(2));
        using var response = await send.WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, upstream.Attempts);
        await firstAborted.Task.WaitAsync(Timeout);
    }

    [Fact]
    public async Task SendAsync_CallerCancels_ThrowsOperationCanceledWithoutRetryOrFallback()
    {
        await using var upstream = await UpstreamServer.StartAsync((context, _) => HangUntilAbortedAsync(context));
        var settings = new HttpPipelineSettings { MaxRetries = 3, Fallback = new BulwarkFallbackOptions { StatusCode = 200 } };
        await using var harness = HttpClientHarness.Create(settings, upstream, b => b.AddBulwarkHandler("default"));
        using var cts = new CancellationTokenSource();

        var send = harness.Client.GetAsync("/", cts.Token);
        await upstream.WaitForAttemptsAsync(1);
        await cts.CancelAsync();

        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send.WaitAsync(Timeout));
        Assert.Equal(cts.Token, exception.CancellationToken);
        Assert.Single(harness.Sent);
        Assert.Equal(1, upstream.Attempts);
    }

    [Fact]
    public async Task SendAsync_RetryAfter_NextAttemptWaitsForTheFakeClock()
    {
        var arrivals = new ConcurrentDictionary<int, DateTimeOffset>();
        HttpClientHarness? harness = null;
        await using var upstream = await UpstreamServer.StartAsync((context, attempt) =>
        {
            arrivals[attempt] = harness!.Time.GetUtcNow();
            if (attempt == 1)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "1";
            }

            return Task.CompletedTask;
        });
        await using var _ = harness = HttpClientHarness.Create(new HttpPipelineSettings { MaxRetries = 1 }, upstream, b => b.AddBulwarkHandler("default"));

        var send = harness.Client.GetAsync("/");
        await upstream.WaitForAttemptsAsync(1);

        // Backoff is zero, so only Retry-After holds the retry back: move the fake clock in small steps until it arrives.
        var deadline = DateTime.UtcNow + Timeout;
        while (!await upstream.WaitForAttemptsAsync(2, TimeSpan.FromMilliseconds(20)))
        {
            Assert.True(DateTime.UtcNow < deadline, "The retry never reached the server.");
            harness.Time.Advance(TimeSpan.FromMilliseconds(50));
        }

        using var response = await send.WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(arrivals[2] - arrivals[1] >= TimeSpan.FromSeconds(1), $"The retry came {arrivals[2] - arrivals[1]} after the 429.");
    }

    [Fact]
    public async Task CreateClient_UnknownPipeline_Throws()
    {
        await using var upstream = await UpstreamServer.StartAsync((_, _) => Task.CompletedTask);
        await using var harness = HttpClientHarness.Create(new HttpPipelineSettings(), upstream, b => b.AddBulwarkHandler("missing"));

        var error = Assert.Throws<KeyNotFoundException>(() => harness.Client);
        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_Synchronous_ThrowsNotSupported()
    {
        await using var upstream = await UpstreamServer.StartAsync((_, _) => Task.CompletedTask);
        await using var harness = HttpClientHarness.Create(new HttpPipelineSettings(), upstream, b => b.AddBulwarkHandler("default"));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");

        Assert.Throws<NotSupportedException>(() => harness.Client.Send(request));
        Assert.Equal(0, upstream.Attempts);
    }

    [Fact]
    public void AddBulwarkHandler_InvalidArguments_Throw()
    {
        var builder = new ServiceCollection().AddHttpClient(HttpClientHarness.ClientName);

        Assert.Throws<ArgumentNullException>(() => ((IHttpClientBuilder)null!).AddBulwarkHandler("default"));
        Assert.Throws<ArgumentException>(() => builder.AddBulwarkHandler(" "));
        Assert.Throws<ArgumentNullException>(() => builder.AddBulwarkHandler("default", instanceName: null!));
        Assert.Throws<ArgumentException>(() => builder.AddBulwarkHandler("default", instanceName: ""));
    }

    private static async Task HangUntilAbortedAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(System.Threading.Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
