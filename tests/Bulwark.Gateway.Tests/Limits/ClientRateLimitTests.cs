using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Limits;

// The per-minute window is real time (the BCL limiters take no TimeProvider); a minute-long window opened by each
// client's first request cannot end within these tests, and none of them waits for it to renew.
public class ClientRateLimitTests
{
    [Fact]
    public async Task Get_OverRequestsPerMinute_Is429WithRetryAfter_AndAnotherKeyIsServed()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: """ "Limits": { "RequestsPerMinutePerClient": 3 }, """));

        for (int i = 0; i < 3; i++)
        {
            using var ok = await SendAsync(gateway, bearer: "key-a");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var limited = await SendAsync(gateway, bearer: "key-a");
        using var other = await SendAsync(gateway, apiKey: "key-b");
        using var health = await gateway.Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        int retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        var problem = await Problem.ReadAsync(limited);
        Assert.Equal("urn:bulwark:problem:rate-limited", problem.GetProperty("type").GetString());
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Equal(retryAfter, problem.GetProperty("retryAfterSeconds").GetInt32());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(4, primary.Requests);
    }

    [Fact]
    public async Task Get_RouteOverride_LimitsItsRouteOnly()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            primary.BaseAddress, secondary.BaseAddress, routeExtra: """ , "RateLimit": { "RequestsPerMinutePerClient": 1 } """));

        using var first = await SendAsync(gateway, apiKey: "key-a");
        using var second = await SendAsync(gateway, apiKey: "key-a");
        using var anonymous = await gateway.Client.GetAsync("/api/items");
        using var anonymousAgain = await gateway.Client.GetAsync("/api/items");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);

        // No API key: the client is its IP address, limited on its own.
        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, anonymousAgain.StatusCode);
    }

    [Fact]
    public async Task Get_ThirdConcurrentRequestOfOneClient_Is429_WhileAnotherClientIsServed()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Behaviour = async (context, n) =>
        {
            if (context.Request.Headers["X-Api-Key"] == "key-a")
            {
                await release.Task.WaitAsync(context.RequestAborted);
            }

            await Upstream.Ok(context, n);
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: """ "Limits": { "ConcurrencyPerClient": 2 }, """));

        var hanging = new[] { SendAsync(gateway, apiKey: "key-a"), SendAsync(gateway, apiKey: "key-a") };
        await Poll.UntilAsync(() => primary.Requests == 2, "both requests of key-a to reach the provider");
        using var third = await SendAsync(gateway, apiKey: "key-a");
        using var other = await SendAsync(gateway, apiKey: "key-b");
        release.SetResult();
        var released = await Poll.WithinAsync(Task.WhenAll(hanging), "the held requests to complete");

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("1", third.Headers.GetValues("Retry-After").Single());
        Assert.Equal("urn:bulwark:problem:rate-limited", (await Problem.ReadAsync(third)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.All(released, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(3, primary.Requests);
        foreach (var r in released)
        {
            r.Dispose();
        }
    }

    private static Task<HttpResponseMessage> SendAsync(GatewayUnderTest gateway, string? bearer = null, string? apiKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/items");
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        return gateway.Client.SendAsync(request);
    }
}
