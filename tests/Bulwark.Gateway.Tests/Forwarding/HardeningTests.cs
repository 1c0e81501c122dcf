using System.Net;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>Ways a client or a configuration could make the gateway do what it must not.</summary>
public class HardeningTests
{
    [Fact]
    public async Task Trace_IsRefused_AndNeverForwarded()
    {
        const string method = "TRACE";
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "/api/x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, primary.Requests + secondary.Requests);
    }

    [Fact]
    public async Task IdempotencyKeyNamedInConnection_DoesNotMakeAPostReplayable()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/pay") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "k-1");
        request.Headers.Connection.Add("Idempotency-Key"); // a hop-by-hop header: stripped, so it cannot count
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
        Assert.False(primary.Snapshot()[0].Headers.ContainsKey("Idempotency-Key"));
    }

    [Fact]
    public async Task EmptyIdempotencyKey_DoesNotMakeAPostReplayable()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/pay") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", " ");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(1, primary.Requests + secondary.Requests);
    }

    [Fact]
    public async Task PathOverrideAndMethodOverrideHeaders_NeverReachTheProvider()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        foreach (var header in new[] { "X-Original-URL", "X-Rewrite-URL", "X-Forwarded-Port", "X-Forwarded-Server", "X-HTTP-Method-Override", "X-Original-Host" })
        {
            request.Headers.TryAddWithoutValidation(header, "/admin/delete");
        }

        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(primary.Snapshot()).Headers;
        Assert.DoesNotContain(received.Keys, k => k.StartsWith("X-Original", StringComparison.OrdinalIgnoreCase)
            || k.Equals("X-Rewrite-URL", StringComparison.OrdinalIgnoreCase)
            || k.Equals("X-Forwarded-Port", StringComparison.OrdinalIgnoreCase)
            || k.Equals("X-Forwarded-Server", StringComparison.OrdinalIgnoreCase)
            || k.Equals("X-HTTP-Method-Override", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task UnmatchedDottedPath_IsAProblemJson404()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/other/file.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("urn:bulwark:problem:no-route", (await Problem.ReadAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public void HeaderValueThatCannotBeSent_IsAConfigurationError_WithoutPrintingIt()
    {
        const string json = """
            {
              "Bulwark": {
                "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9", "Headers": { "Authorization": { "FromEnvironment": "KEY", "Format": "Bearer {0}" } } } },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ]
              }
            }
            """;
        var error = Assert.Throws<OptionsValidationException>(() => GatewayHost.Build(new GatewayHostSettings(null, json, ["http://127.0.0.1:0"])
        {
            Environment = name => name == "KEY" ? "s3cret\r\nX-Evil: 1" : null,
            EnvironmentOverrides = false,
        }));

        Assert.Equal(
            ["Bulwark:Providers:p:Headers:Authorization: the value from the environment variable KEY contains control or non-ASCII characters, which a header cannot carry."],
            error.Failures);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }
}
