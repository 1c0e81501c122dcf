using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>Nothing a client sends can point the gateway at a host that is not a configured provider.</summary>
public class SecurityTests
{
    [Fact]
    public async Task HostHeaderOfAnotherServer_IsForwardedToTheConfiguredProviderOnly()
    {
        await using var fixture = await Fixture.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        request.Headers.Host = fixture.Evil.BaseAddress.Authority;
        using var response = await fixture.Gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        fixture.AssertOnlyPrimaryReceived(1);
    }

    [Fact]
    public async Task ForwardedHostHeaders_AreNotTrustedNorPassedOn()
    {
        await using var fixture = await Fixture.StartAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        request.Headers.Add("X-Forwarded-Host", fixture.Evil.BaseAddress.Authority);
        request.Headers.Add("Forwarded", $"host={fixture.Evil.BaseAddress.Authority};proto=http");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await fixture.Gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        fixture.AssertOnlyPrimaryReceived(1);
        var headers = fixture.Primary.Snapshot()[0].Headers;
        Assert.False(headers.ContainsKey("X-Forwarded-Host"));
        Assert.False(headers.ContainsKey("Forwarded"));
        Assert.Equal("http", headers["X-Forwarded-Proto"]);
    }

    [Fact]
    public async Task AbsoluteFormRequestLine_ToAnotherServer_IsForwardedToTheConfiguredProviderOnly()
    {
        await using var fixture = await Fixture.StartAsync();
        string evil = fixture.Evil.BaseAddress.Authority;

        var routed = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, $"GET http://{evil}/api/x HTTP/1.1\r\nHost: {evil}\r\nConnection: close\r\n\r\n");
        var unrouted = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, $"GET http://{evil}/admin HTTP/1.1\r\nHost: {evil}\r\nConnection: close\r\n\r\n");

        Assert.Equal(200, routed.Status);
        Assert.Equal(404, unrouted.Status);
        fixture.AssertOnlyPrimaryReceived(1);
        Assert.Equal("/api/x", fixture.Primary.Snapshot()[0].PathAndQuery);
    }

    private sealed class Fixture : IAsyncDisposable
    {
        private Fixture(Upstream primary, Upstream secondary, Upstream evil, GatewayUnderTest gateway)
        {
            Primary = primary;
            Secondary = secondary;
            Evil = evil;
            Gateway = gateway;
        }

        public Upstream Primary { get; }

        public Upstream Secondary { get; }

        public Upstream Evil { get; }

        public GatewayUnderTest Gateway { get; }

        public static async Task<Fixture> StartAsync()
        {
            var primary = await Upstream.StartAsync();
            var secondary = await Upstream.StartAsync();
            var evil = await Upstream.StartAsync();
            var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));
            return new Fixture(primary, secondary, evil, gateway);
        }

        public void AssertOnlyPrimaryReceived(int count)
        {
            Assert.Equal(0, Evil.Requests);
            Assert.Equal(0, Secondary.Requests);
            var received = Primary.Snapshot();
            Assert.Equal(count, received.Length);
            Assert.All(received, r => Assert.Equal(Primary.BaseAddress.Authority, r.Headers["Host"]));
        }

        public async ValueTask DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Evil.DisposeAsync();
            await Secondary.DisposeAsync();
            await Primary.DisposeAsync();
        }
    }
}
