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

    /// <summary>
    /// A route's own <c>RateLimit:ConcurrencyPerClient</c> (1) takes the place of <c>Bulwark:Limits</c>' (5) on that route:
    /// one client's second request in flight there is 429, while another route keeps the general limit.
    /// </summary>
    [Fact]
    public async Task Get_RouteConcurrencyOverride_SecondConcurrentRequestOfOneClientOnItsRoute_Is429()
    {
        await using var upstream = await Upstream.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.Behaviour = async (context, n) =>
        {
            if (context.Request.Path.StartsWithSegments("/held"))
            {
                await release.Task.WaitAsync(context.RequestAborted);
            }

            await Upstream.Ok(context, n);
        };
        string json = $$"""
            {
              "Bulwark": {
                "Limits": { "ConcurrencyPerClient": 5 },
                "Pipelines": { "default": {{Configs.FastPipeline}} },
                "Providers": { "primary": { "BaseUrl": "{{upstream.BaseAddress.ToString().TrimEnd('/')}}" } },
                "Routes": [
                  { "Path": "/held/{**rest}", "Providers": [ "primary" ], "RateLimit": { "ConcurrencyPerClient": 1 } },
                  { "Path": "/api/{**rest}", "Providers": [ "primary" ] }
                ]
              }
            }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(json);

        var held = Send(gateway, "/held/first", "key-a");
        await Poll.UntilAsync(() => upstream.Requests == 1, "the first request of key-a to reach the provider");
        using var second = await Poll.WithinAsync(Send(gateway, "/held/second", "key-a"), "the second request on the limited route");
        using var otherRoute = await Poll.WithinAsync(Send(gateway, "/api/items", "key-a"), "a request on the other route");
        release.SetResult();
        using var first = await Poll.WithinAsync(held, "the held request to complete");

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("urn:bulwark:problem:rate-limited", (await Problem.ReadAsync(second)).GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, otherRoute.StatusCode);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(2, upstream.Requests);
    }

    private static async Task<HttpResponseMessage> Send(GatewayUnderTest gateway, string path, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", apiKey);
        return await gateway.Client.SendAsync(request);
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
