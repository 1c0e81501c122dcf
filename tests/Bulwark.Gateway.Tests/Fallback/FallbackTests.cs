using System.Net;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Fallback;

/// <summary>A route's (or its pipeline's) fallback answers when every attempt failed, with real Kestrel providers.</summary>
public class FallbackTests
{
    private const string StaticFallback = """
        , "Fallback": { "StatusCode": 200, "ContentType": "application/json", "Body": "{\"items\":[],\"stale\":true}", "Headers": { "Cache-Control": "no-store", "X-Served-By": "fallback" } }
        """;

    [Fact]
    public async Task DeadProviders_RouteStaticFallback_ReplacesThe502()
    {
        using var dead = ClosedPort.Open();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(dead.Address, dead.Address, routeExtra: StaticFallback));

        using var response = await gateway.Client.GetAsync("/api/items");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"items\":[],\"stale\":true}", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("static", Assert.Single(response.Headers.GetValues("X-Bulwark-Fallback")));
        Assert.Equal("fallback", Assert.Single(response.Headers.GetValues("X-Served-By")));
        Assert.True(response.Headers.CacheControl!.NoStore);
        Assert.True(response.Headers.Contains("X-Correlation-ID"));
    }

    [Fact]
    public async Task DeadProviders_PipelineFallback_IsHonouredByTheGateway_WhereItUsedToAnswer502()
    {
        // The pipeline's Fallback was accepted, shown by check-config, and never used: the client got a 502.
        using var dead = ClosedPort.Open();
        string pipeline = Configs.FastPipeline.TrimEnd().TrimEnd('}') + """, "Fallback": { "StatusCode": 200, "ContentType": "text/plain", "Body": "degraded" } }""";
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(dead.Address, dead.Address, pipeline: pipeline));

        using var response = await gateway.Client.GetAsync("/api/items");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("static", Assert.Single(response.Headers.GetValues("X-Bulwark-Fallback")));
    }

    [Fact]
    public async Task RouteFallback_TakesPrecedenceOverThePipelineFallback()
    {
        using var dead = ClosedPort.Open();
        string pipeline = Configs.FastPipeline.TrimEnd().TrimEnd('}') + """, "Fallback": { "StatusCode": 200, "ContentType": "text/plain", "Body": "pipeline" } }""";
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(dead.Address, dead.Address, pipeline: pipeline,
            routeExtra: """, "Fallback": { "StatusCode": 203, "ContentType": "text/plain", "Body": "route" }"""));

        using var response = await gateway.Client.GetAsync("/api/items");

        Assert.Equal(HttpStatusCode.NonAuthoritativeInformation, response.StatusCode);
        Assert.Equal("route", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DeferringRoute_DefersWhatItCan_AndTheFallbackAnswersTheRest()
    {
        using var dead = ClosedPort.Open();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(dead.Address, dead.Address,
            routeExtra: """, "OnFailure": "Defer", "Fallback": { "StatusCode": 200, "ContentType": "text/plain", "Body": "later" }"""),
            new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Development" });

        using var withKey = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = new StringContent("{}") };
        withKey.Headers.Add("Idempotency-Key", "order-1");
        using var deferred = await gateway.Client.SendAsync(withKey);
        using var withoutKey = await gateway.Client.PostAsync("/api/orders", new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Accepted, deferred.StatusCode);
        Assert.False(deferred.Headers.Contains("X-Bulwark-Fallback"));
        Assert.Equal(HttpStatusCode.OK, withoutKey.StatusCode);
        Assert.Equal("later", await withoutKey.Content.ReadAsStringAsync());
        Assert.Equal("static", Assert.Single(withoutKey.Headers.GetValues("X-Bulwark-Fallback")));
    }

    [Fact]
    public async Task ClientError_IsNotReplacedByTheFallback()
    {
        await using var upstream = await Upstream.StartAsync();
        upstream.Behaviour = Upstream.Status(StatusCodes.Status404NotFound);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, routeExtra: StaticFallback));

        using var response = await gateway.Client.GetAsync("/api/missing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Bulwark-Fallback"));
    }

    [Fact]
    public async Task LastGood_ServedWithinMaxAge_WithAge_AndNotAfter()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var upstream = await Upstream.StartAsync();
        upstream.Behaviour = static (context, n) =>
        {
            context.Response.Headers["X-Version"] = "v" + n;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($"{{\"n\":{n}}}");
        };
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, routeExtra: """, "Fallback": { "Mode": "LastGood", "MaxAge": "00:01:00" }"""),
            timeProvider: time);

        using (var fresh = await gateway.Client.GetAsync("/api/items?page=2"))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
            Assert.False(fresh.Headers.Contains("X-Bulwark-Fallback"));
        }

        string kept = upstream.Received.Count == 1 ? "{\"n\":1}" : throw new InvalidOperationException("expected one request upstream");
        upstream.Behaviour = Upstream.Status(StatusCodes.Status500InternalServerError);
        time.Advance(TimeSpan.FromSeconds(42));

        using (var stale = await gateway.Client.GetAsync("/api/items?page=2"))
        {
            Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
            Assert.Equal(kept, await stale.Content.ReadAsStringAsync());
            Assert.Equal("last-good", Assert.Single(stale.Headers.GetValues("X-Bulwark-Fallback")));
            Assert.Equal(TimeSpan.FromSeconds(42), stale.Headers.Age);
            Assert.Equal("v1", Assert.Single(stale.Headers.GetValues("X-Version")));
        }

        // Another query is another resource: nothing kept for it.
        using (var other = await gateway.Client.GetAsync("/api/items?page=3"))
        {
            Assert.True((int)other.StatusCode is 502 or 503, $"got {other.StatusCode}");
            Assert.False(other.Headers.Contains("X-Bulwark-Fallback"));
        }

        time.Advance(TimeSpan.FromSeconds(19));
        using var expired = await gateway.Client.GetAsync("/api/items?page=2");
        Assert.True((int)expired.StatusCode is 502 or 503, $"got {expired.StatusCode}");
        Assert.False(expired.Headers.Contains("X-Bulwark-Fallback"));
    }

    [Fact]
    public async Task LastGood_NotForPost()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, routeExtra: """, "Fallback": { "Mode": "LastGood", "MaxAge": "00:01:00" }"""));

        using (var ok = await gateway.Client.PostAsync("/api/orders", new StringContent("{}")))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        upstream.Behaviour = Upstream.Status(StatusCodes.Status503ServiceUnavailable);
        using var failed = await gateway.Client.PostAsync("/api/orders", new StringContent("{}"));

        Assert.True((int)failed.StatusCode is 502 or 503, $"got {failed.StatusCode}");
        Assert.False(failed.Headers.Contains("X-Bulwark-Fallback"));
    }

    [Fact]
    public async Task LastGood_KeepsOnlyCacheableResponses_WithinTheBodyBound_AndAtMostMaxEntries()
    {
        await using var upstream = await Upstream.StartAsync();
        upstream.Behaviour = static (context, _) =>
        {
            string path = context.Request.Path.Value!;
            if (path.EndsWith("/private", StringComparison.Ordinal))
            {
                context.Response.Headers.CacheControl = "private, max-age=60";
            }
            else if (path.EndsWith("/cookie", StringComparison.Ordinal))
            {
                context.Response.Headers.SetCookie = "session=1";
            }

            return context.Response.WriteAsync(path.EndsWith("/big", StringComparison.Ordinal) ? new string('x', 101) : "ok:" + path);
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress,
            routeExtra: """, "Fallback": { "Mode": "LastGood", "MaxAge": "00:10:00", "MaxEntries": 2, "MaxBodyBytes": 100 }"""));

        foreach (string path in new[] { "/api/private", "/api/cookie", "/api/big", "/api/a", "/api/b", "/api/c" })
        {
            using var response = await gateway.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        upstream.Behaviour = Upstream.Status(StatusCodes.Status502BadGateway);
        var served = new Dictionary<string, bool>();
        foreach (string path in new[] { "/api/private", "/api/cookie", "/api/big", "/api/a", "/api/b", "/api/c" })
        {
            using var response = await gateway.Client.GetAsync(path);
            served[path] = response.Headers.Contains("X-Bulwark-Fallback");
            if (served[path])
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("ok:" + path, await response.Content.ReadAsStringAsync());
            }
        }

        // Private, cookie-setting and too-large responses are never kept; of the rest, only the two most recent.
        Assert.Equal(
            new Dictionary<string, bool> { ["/api/private"] = false, ["/api/cookie"] = false, ["/api/big"] = false, ["/api/a"] = false, ["/api/b"] = true, ["/api/c"] = true },
            served);
    }

    [Theory]
    [InlineData(""", "Fallback": { "StatusCode": 600 }""", "Bulwark:Routes:0:Fallback:StatusCode: 600 is out of range; allowed 200 to 599.")]
    [InlineData(""", "Fallback": { "Headers": { "Transfer-Encoding": "chunked" } }""", "Bulwark:Routes:0:Fallback:Headers:Transfer-Encoding: 'Transfer-Encoding' frames the message, which the gateway does for each request; a fallback header must not set it.")]
    [InlineData(""", "Fallback": { "Headers": { "Connection": "close" } }""", "Bulwark:Routes:0:Fallback:Headers:Connection: 'Connection' is a hop-by-hop header, which applies to one connection and is never forwarded; a fallback header must not set it.")]
    [InlineData(""", "Fallback": { "Headers": { "Content-Type": "text/plain" } }""", "Bulwark:Routes:0:Fallback:Headers:Content-Type: set the content type with Bulwark:Routes:0:Fallback:ContentType.")]
    [InlineData(""", "Fallback": { "Mode": "LastGood" }""", "Bulwark:Routes:0:Fallback:MaxAge: is required with Mode LastGood: how old a kept response may be and still be served, for example 00:05:00.")]
    [InlineData(""", "Fallback": { "Mode": "LastGood", "MaxAge": "2.00:00:00" }""", "Bulwark:Routes:0:Fallback:MaxAge: 2.00:00:00 is out of range; allowed 00:00:01 to 1.00:00:00.")]
    [InlineData(""", "Fallback": { "Mode": "LastGood", "MaxAge": "00:01:00", "MaxEntries": 0 }""", "Bulwark:Routes:0:Fallback:MaxEntries: 0 is out of range; allowed 1 to 100000.")]
    [InlineData(""", "Fallback": { "Mode": "LastGood", "MaxAge": "00:01:00", "MaxBodyBytes": 16777217 }""", "Bulwark:Routes:0:Fallback:MaxBodyBytes: 16777217 is out of range; allowed 0 to 16777216.")]
    [InlineData(""", "Fallback": { "Mode": "LastGood", "MaxAge": "00:01:00", "Body": "x" }""", "Bulwark:Routes:0:Fallback:Body: applies to Mode Static only; remove it or set Mode to Static.")]
    [InlineData(""", "Fallback": { "MaxAge": "00:01:00" }""", "Bulwark:Routes:0:Fallback:MaxAge: applies to Mode LastGood only; remove it or set Mode to LastGood.")]
    [InlineData(""", "Methods": [ "POST" ], "Fallback": { "Mode": "LastGood", "MaxAge": "00:01:00" }""", "Bulwark:Routes:0:Fallback:Mode: LastGood serves GET requests only, and this route accepts no GET (POST).")]
    public void Load_InvalidFallback_IsRefusedWithItsPath(string routeExtra, string expected)
    {
        using var dead = ClosedPort.Open();
        var settings = new GatewayHostSettings(null, Configs.TwoProviders(dead.Address, dead.Address, routeExtra: routeExtra), []) { Environment = _ => null, EnvironmentOverrides = false };

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(settings));

        Assert.Equal([expected], error.Failures);
    }
}
