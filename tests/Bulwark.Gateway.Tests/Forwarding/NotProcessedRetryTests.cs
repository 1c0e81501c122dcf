using System.Net;
using System.Text;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>
/// A POST without an Idempotency-Key (as the official OpenAI SDKs send it) is retried and failed over after a failure
/// that proves the provider did not process it, and only then: 429 always, 503 (or a status the route lists) with
/// Retry-After, a refused connection; and on an Api route, a generation endpoint after any transient failure.
/// </summary>
public class NotProcessedRetryTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_WithoutKey_429_IsRetried_AndServed(bool retryAfter)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n == 1 ? Answer(429, retryAfter ? "1" : null)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":1}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("primary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal("2", response.Headers.GetValues("X-Bulwark-Attempts").Single());
        var received = primary.Snapshot();
        Assert.Equal(2, received.Length);
        Assert.All(received, r => Assert.Equal("""{"order":1}""", Encoding.UTF8.GetString(r.Body)));
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Post_WithoutKey_429EveryTime_FailsOverToTheNextProvider()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Answer(429, "1");
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":2}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(3, primary.Requests); // MaxRetries 2
        Assert.Equal("""{"order":2}""", Encoding.UTF8.GetString(Assert.Single(secondary.Snapshot()).Body));
    }

    [Fact]
    public async Task Post_WithoutKey_503WithRetryAfter_IsRetried_AndServed()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n == 1 ? Answer(503, "1")(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":3}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Post_WithoutKey_503WithoutRetryAfter_IsNotRetried_AndTheProblemSaysItMayHaveBeenProcessed()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Answer(503, null);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":4}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.False(problem.GetProperty("retryable").GetBoolean());
        Assert.Contains("may have been processed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Post_WithoutKey_429AtEveryProvider_ProblemIsRetryable_WithRetryAfter()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Answer(429, "7");
        secondary.Behaviour = Answer(429, "9");
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":5}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        Assert.DoesNotContain("may have been processed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The earliest provider's own Retry-After (rounded up to whole seconds as the clock moved on).
        int retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 7, 8);
        Assert.Equal(retryAfter, problem.GetProperty("retryAfterSeconds").GetInt32());
        Assert.Equal(3, primary.Requests);
        Assert.Equal(3, secondary.Requests);
    }

    [Fact]
    public async Task Post_WithoutKey_StreamedBody_429_IsSentOnce_ButTheProblemIsRetryable()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Answer(429, "1");
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: """ "MaxBufferedBodyBytes": 1024, "MaxReplayableBodyBytes": 0, """));

        using var response = await gateway.Client.PostAsync("/api/files", new ByteArrayContent(new byte[4096]));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.True((await Problem.ReadAsync(response)).GetProperty("retryable").GetBoolean());
        Assert.Contains("never retried", response.Headers.GetValues("X-Bulwark-Retry").Single(), StringComparison.Ordinal);
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    /// <summary>A status the route lists proves non-processing with Retry-After; the list replaces the default 503.</summary>
    [Theory]
    [InlineData(null, 502, "1", 1)] // 502 is not listed by default
    [InlineData("[ 502 ]", 502, "1", 2)]
    [InlineData("[ 502 ]", 502, null, 1)] // a listed status needs Retry-After
    [InlineData("[ 429 ]", 503, "1", 1)] // listing only 429 drops the 503 rule
    public async Task Post_WithoutKey_NotProcessedStatusCodes_DecideWhichStatusesAreRetried(string? listed, int status, string? retryAfter, int expectedRequests)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n == 1 ? Answer(status, retryAfter)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            primary.BaseAddress, secondary.BaseAddress, routeExtra: listed is null ? null : $""", "NotProcessedStatusCodes": {listed}"""));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":6}"""));

        Assert.Equal(expectedRequests, primary.Requests);
        Assert.Equal(expectedRequests == 2 ? HttpStatusCode.OK : HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Post_WithoutKey_ConnectionRefused_FailsOverToTheNextProvider()
    {
        await using var secondary = await Upstream.StartAsync();
        using var primary = ClosedPort.Open();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.Address, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":7}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
    }

    /// <summary>On an Api route a chat completion is replayable: retried on a plain 503 or 500 without a key; an Http route does not.</summary>
    [Theory]
    [InlineData("Http", 503, 1)]
    [InlineData("OpenAI", 503, 2)]
    [InlineData("OpenAI", 500, 2)]
    [InlineData("Anthropic", 503, 2)]
    public async Task ChatCompletionPost_WithoutKey_PlainTransientStatus_IsRetriedOnApiRoutesOnly(string api, int status, int expectedRequests)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n == 1 ? Answer(status, null)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            primary.BaseAddress, secondary.BaseAddress, routeExtra: $""", "Api": "{api}" """, routePath: "/v1/{**rest}"));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Json("""{"model":"gpt-4o-mini","messages":[]}"""));

        Assert.Equal(expectedRequests, primary.Requests);
        Assert.Equal(expectedRequests == 2 ? HttpStatusCode.OK : HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Theory]
    [InlineData("/openai/v1/chat/completions", 2)] // the route's own prefix comes before the API's path
    [InlineData("/openai/v1/embeddings", 2)]
    [InlineData("/openai/v1/threads/t1/messages", 1)] // adds a message: not a generation endpoint
    [InlineData("/openai/v1/messages/batches", 1)] // creates a batch
    public async Task ApiRoute_MatchesTheGenerationEndpointsByTheirLastSegments(string path, int expectedRequests)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n == 1 ? Answer(503, null)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            primary.BaseAddress, secondary.BaseAddress, routeExtra: """, "Api": "OpenAI" """, routePath: "/openai/{**rest}"));

        using var response = await gateway.Client.PostAsync(path, Json("{}"));

        Assert.Equal(expectedRequests, primary.Requests);
        Assert.Equal(path, primary.Snapshot()[0].PathAndQuery);
    }

    [Fact]
    public async Task ApiRoute_IdempotentFalse_TurnsTheReplayableEndpointsOff()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n == 1 ? Answer(503, null)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            primary.BaseAddress, secondary.BaseAddress, routeExtra: """, "Api": "OpenAI", "Idempotent": false """, routePath: "/v1/{**rest}"));

        using var response = await gateway.Client.PostAsync("/v1/chat/completions", Json("{}"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.False((await Problem.ReadAsync(response)).GetProperty("retryable").GetBoolean());
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    /// <summary>A provider answer with <paramref name="status"/>, and <paramref name="retryAfter"/> when given.</summary>
    private static Func<HttpContext, int, Task> Answer(int status, string? retryAfter) => (context, _) =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }

        return Task.CompletedTask;
    };

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
