using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

/// <summary>
/// The request target reaches the provider byte for byte — path and query as the client wrote them, after the
/// provider's own base path — never decoded and re-encoded. Compared with the raw target the provider's Kestrel read.
/// </summary>
public class RawPathTests(RawPathTests.Fixture fixture) : IClassFixture<RawPathTests.Fixture>
{
    /// <summary>Targets that must arrive unchanged (after the provider's base path, <c>/v1</c>).</summary>
    public static readonly TheoryData<string> Unchanged = new()
    {
        "/api/a%2Fb",
        "/api/a%2fb",
        "/api/%ZZ",
        "/api/%C0%AF",
        "/api/a%20b",
        "/api/a+b",
        "/api/100%25",
        "/api/a%252Fb",
        "/api/a;p=1/b;q=2",
        "/api/caf%C3%A9",
        "/api/%E2%82%AC%F0%9F%98%80",
        "/api/%7Euser/~x",
        "/api/a//b",
        "/api/a%3Fb%23c",
        "/api/A%2FB/%2e%2ex",
        "/api/q?a=%2F&b=%ZZ",
        "/api/q?",
        "/api/q?x=1+2&y=%20&z&&=",
        "/api/q?a=b?c/d",
        "/api/q?%00",
    };

    [Theory]
    [MemberData(nameof(Unchanged))]
    public async Task Target_ReachesTheProviderByteForByte(string target)
    {
        var received = await SendAsync(target);

        Assert.Equal("/v1" + target, received);
    }

    /// <summary>
    /// Dot-segments (".", "..", and their percent-encoded forms) are resolved as Kestrel resolved them for the route
    /// match, so the provider never sees a path that leaves the route it matched; every other byte is the client's.
    /// </summary>
    [Theory]
    [InlineData("/api/x/../y%2Fz", "/v1/api/y%2Fz")]
    [InlineData("/api/x/%2E%2E/y", "/v1/api/y")]
    [InlineData("/api/x/%2e./y?q=%2F", "/v1/api/y?q=%2F")]
    [InlineData("/api/./x/.", "/v1/api/x/")]
    [InlineData("/api/x/%2E/y", "/v1/api/x/y")]
    [InlineData("/other/../api/%ZZ", "/v1/api/%ZZ")]
    [InlineData("/api/x/..", "/v1/api/")]
    [InlineData("/api/a/b/../../c", "/v1/api/c")]
    public async Task DotSegments_AreResolvedAsForTheRouteMatch(string target, string expected)
    {
        var received = await SendAsync(target);

        Assert.Equal(expected, received);
    }

    [Theory]
    [InlineData("/api/../admin")]
    [InlineData("/api/%2E%2E/admin")]
    [InlineData("/api/x/../../admin")]
    public async Task DotSegments_LeavingTheRoute_AreNotForwarded(string target)
    {
        int before = fixture.Upstream.Requests;

        var response = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, $"GET {target} HTTP/1.1\r\nHost: gateway\r\n\r\n");

        Assert.Equal(404, response.Status);
        Assert.Equal(before, fixture.Upstream.Requests);
    }

    /// <summary>
    /// Dot-segments behind an encoded separator or a backslash are no segments to the route match, but a provider that
    /// decodes before it resolves would climb out of the route with them: refused with a problem, never forwarded.
    /// </summary>
    [Theory]
    [InlineData("/api/..%2F..%2Fadmin")]
    [InlineData("/api/%2e%2e%2fadmin")]
    [InlineData("/api/x%2F..%2F..%2Fadmin")]
    [InlineData("/api/..%5Cadmin")]
    [InlineData("/api/x\\..\\..\\admin")]
    [InlineData("/api/x/..%2f")]
    public async Task DotSegmentsBehindEncodedSeparators_Are400_AndNotForwarded(string target)
    {
        int before = fixture.Upstream.Requests;

        var response = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, $"GET {target} HTTP/1.1\r\nHost: gateway\r\n\r\n");

        Assert.Equal(400, response.Status);
        Assert.Contains("bad-request-target", response.Body, StringComparison.Ordinal);
        Assert.Equal(before, fixture.Upstream.Requests);
    }

    /// <summary>A '#' in a raw target would start a URI fragment and cut the path short: the forwarder's encoding (%23) is kept.</summary>
    [Fact]
    public async Task HashInTarget_IsForwardedEncoded_NotCutOff()
    {
        var received = await SendAsync("/api/a#b?c=1");

        Assert.Equal("/v1/api/a%23b?c=1", received);
    }

    /// <summary>A NUL or a raw non-ASCII byte in the path: Kestrel refuses the target itself (an empty 400) before any route.</summary>
    [Theory]
    [InlineData("/api/a%00b")]
    [InlineData("/api/caf\u00e9")]
    public async Task TargetKestrelRefuses_Is400_AndNotForwarded(string target)
    {
        int before = fixture.Upstream.Requests;

        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(fixture.Gateway.BaseAddress.Host, fixture.Gateway.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"GET {target} HTTP/1.1\r\nHost: gateway\r\n\r\n"));
        using var timeout = new CancellationTokenSource(Poll.DefaultTimeout);
        var response = await RawHttp.ReadResponseAsync(stream, timeout.Token);

        Assert.Equal(400, response.Status);
        Assert.Equal(before, fixture.Upstream.Requests);
    }

    [Fact]
    public async Task AbsoluteFormTarget_ForwardsItsPathAndQueryOnly_ToTheConfiguredProvider()
    {
        var response = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, "GET http://evil.example:81/api/a%2Fb?x=%ZZ HTTP/1.1\r\nHost: evil.example:81\r\n\r\n");

        Assert.Equal(200, response.Status);
        Assert.Equal("/v1/api/a%2Fb?x=%ZZ", Assert.Single(fixture.Upstream.Snapshot(), r => r.RawTarget.Contains("x=%ZZ", StringComparison.Ordinal)).RawTarget);
    }

    private async Task<string> SendAsync(string target)
    {
        // A marker header finds this request among the fixture's: paths may repeat between cases.
        string marker = Guid.NewGuid().ToString("N");
        var response = await RawHttp.SendAsync(fixture.Gateway.BaseAddress, $"GET {target} HTTP/1.1\r\nHost: gateway\r\nX-Case: {marker}\r\n\r\n");

        Assert.True(response.Status == 200, $"{target}: answered {response.Status} {response.Body}");
        return Assert.Single(fixture.Upstream.Snapshot(), r => r.Headers.TryGetValue("X-Case", out var m) && m == marker).RawTarget;
    }

    public sealed class Fixture : IAsyncLifetime
    {
        internal Upstream Upstream { get; private set; } = null!;

        internal GatewayUnderTest Gateway { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Upstream = await Upstream.StartAsync();
            string json = $$"""
                {
                  "Bulwark": {
                    "Pipelines": { "default": {{Configs.FastPipeline}} },
                    "Providers": { "primary": { "BaseUrl": "{{Upstream.BaseAddress.ToString().TrimEnd('/')}}/v1" } },
                    "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "primary" ] } ]
                  }
                }
                """;
            Gateway = await GatewayUnderTest.StartAsync(json);
        }

        public async Task DisposeAsync()
        {
            await Gateway.DisposeAsync();
            await Upstream.DisposeAsync();
        }
    }
}
