using System.Net;
using System.Net.Http.Headers;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Tests.Forwarding;

public class HeadersTests
{
    // Connection headers that also carry keep-alive, close or upgrade: ConnectionHeaderTests.
    [Fact]
    public async Task Request_HopByHopHeaders_DoNotReachTheProvider()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        var response = await RawHttp.SendAsync(gateway.BaseAddress, string.Join("\r\n",
            "GET /api/hop HTTP/1.1",
            $"Host: {gateway.BaseAddress.Authority}",
            "Connection: X-Custom",
            "X-Custom: connection-scoped",
            "TE: gzip",
            "Keep-Alive: timeout=5, max=10",
            "Proxy-Connection: keep-alive",
            "X-End-To-End: kept",
            string.Empty,
            string.Empty));

        Assert.Equal(200, response.Status);
        var headers = Assert.Single(primary.Snapshot()).Headers;
        Assert.Equal("kept", headers["X-End-To-End"]);
        Assert.False(headers.ContainsKey("X-Custom"), "a header the client named in Connection reached the provider");
        Assert.False(headers.ContainsKey("TE"), "TE reached the provider");
        Assert.False(headers.ContainsKey("Keep-Alive"), "Keep-Alive reached the provider");
        Assert.False(headers.ContainsKey("Proxy-Connection"), "Proxy-Connection reached the provider");
        Assert.DoesNotContain("x-custom", headers.GetValueOrDefault("Connection") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Response_HopByHopHeaders_AreNotEchoedToTheClient()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = async (context, _) =>
        {
            context.Response.Headers.Connection = "X-Upstream-Hop";
            context.Response.Headers["X-Upstream-Hop"] = "connection-scoped";
            context.Response.Headers["Keep-Alive"] = "timeout=5";
            context.Response.Headers["Proxy-Connection"] = "keep-alive";
            context.Response.Headers["X-End-To-End"] = "kept";
            await context.Response.WriteAsync("streamed body");
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        var response = await RawHttp.SendAsync(gateway.BaseAddress, $"GET /api/hop HTTP/1.1\r\nHost: {gateway.BaseAddress.Authority}\r\n\r\n");

        Assert.Equal(200, response.Status);
        Assert.Equal(["kept"], response.Values("X-End-To-End"));
        Assert.Empty(response.Values("X-Upstream-Hop"));
        Assert.Empty(response.Values("Keep-Alive"));
        Assert.Empty(response.Values("Proxy-Connection"));
        Assert.Empty(response.Values("Connection"));

        // The gateway frames the body itself: one Transfer-Encoding of its own, not the provider's copied on top.
        Assert.Equal(["chunked"], response.Values("Transfer-Encoding"));
        Assert.Contains("streamed body", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Response_ProviderClosesItsConnection_ClientConnectionIsNotClosed()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = async (context, _) =>
        {
            context.Response.Headers.Connection = "close";
            await context.Response.WriteAsync("last one on this connection");
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        var response = await RawHttp.SendAsync(gateway.BaseAddress, $"GET /api/hop HTTP/1.1\r\nHost: {gateway.BaseAddress.Authority}\r\n\r\n");

        Assert.Equal(200, response.Status);
        Assert.Empty(response.Values("Connection"));
        Assert.Contains("last one on this connection", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProviderHeaderFromEnvironment_ReplacesTheClientsOwn()
    {
        await using var primary = await Upstream.StartAsync();
        string json = $$"""
            {
              "Bulwark": {
                "Pipelines": { "default": {{Configs.FastPipeline}} },
                "Providers": {
                  "primary": {
                    "BaseUrl": "{{primary.BaseAddress.ToString().TrimEnd('/')}}",
                    "Headers": {
                      "Authorization": { "FromEnvironment": "TEST_KEY", "Format": "Bearer {0}" },
                      "X-Api-Version": { "Value": "2024-06-01" }
                    }
                  }
                },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "primary" ] } ]
              }
            }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(json, new Dictionary<string, string> { ["TEST_KEY"] = "s3cret" });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "client-token");
        request.Headers.Add("X-Api-Version", "client-version");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var headers = Assert.Single(primary.Snapshot()).Headers;
        Assert.Equal("Bearer s3cret", headers["Authorization"]);
        Assert.Equal("2024-06-01", headers["X-Api-Version"]);
        Assert.DoesNotContain("s3cret", response.Headers.ToString(), StringComparison.Ordinal);
    }
}
