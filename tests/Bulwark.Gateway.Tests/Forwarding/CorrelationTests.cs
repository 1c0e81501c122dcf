using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

public class CorrelationTests
{
    [Fact]
    public async Task GivenCorrelationId_ReachesProvider_AndReturnsToClient()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        request.Headers.Add("X-Correlation-ID", "req-2024_06.01:abc");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("req-2024_06.01:abc", response.Headers.GetValues("X-Correlation-ID").Single());
        Assert.Equal("req-2024_06.01:abc", Assert.Single(primary.Snapshot()).Headers["X-Correlation-ID"]);
    }

    [Fact]
    public async Task NoCorrelationId_OneIsGenerated_SameUpstreamAndBack()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var first = await gateway.Client.GetAsync("/api/x");
        using var second = await gateway.Client.GetAsync("/api/x");

        string generated = first.Headers.GetValues("X-Correlation-ID").Single();
        Assert.Matches("^[0-9a-f]{32}$", generated);
        var received = primary.Snapshot();
        Assert.Equal(generated, received[0].Headers["X-Correlation-ID"]);
        Assert.Equal(second.Headers.GetValues("X-Correlation-ID").Single(), received[1].Headers["X-Correlation-ID"]);
        Assert.NotEqual(generated, received[1].Headers["X-Correlation-ID"]);
    }

    [Theory]
    [InlineData("abc%0D%0ASet-Cookie:%20session=stolen")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("id with spaces")]
    [InlineData("a\"b;c=d")]
    public async Task MaliciousCorrelationId_IsReplaced(string malicious)
    {
        await AssertReplacedAsync(malicious);
    }

    [Theory]
    // Within the header's alphabet, yet a card number or an API key: replaced, so not sent to the provider (that no log
    // line carries it is tested with the request log, in Bulwark.AspNetCore.Tests).
    [InlineData("4111111111111111")]
    [InlineData("sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789")]
    public async Task CorrelationIdHoldingACardOrAKey_IsReplaced(string sensitive)
    {
        await AssertReplacedAsync(sensitive);
    }

    [Fact]
    public async Task OverlongCorrelationId_IsReplaced()
    {
        await AssertReplacedAsync(new string('a', 500));
    }

    [Fact]
    public async Task CorrelationIdWithBareCarriageReturn_IsRejectedBeforeAnythingIsForwarded()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        var response = await RawHttp.SendAsync(gateway.BaseAddress, string.Join("\r\n",
            "GET /api/x HTTP/1.1",
            $"Host: {gateway.BaseAddress.Authority}",
            "X-Correlation-ID: abc\rX-Injected: 1",
            "Connection: close",
            string.Empty,
            string.Empty));

        // Kestrel refuses the malformed header line outright; CR and LF never reach the gateway's own code.
        Assert.Equal(400, response.Status);
        Assert.Empty(response.Values("X-Injected"));
        Assert.Empty(response.Values("X-Correlation-ID"));
        Assert.Equal(0, primary.Requests + secondary.Requests);
    }

    private static async Task AssertReplacedAsync(string malicious)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/x");
        Assert.True(request.Headers.TryAddWithoutValidation("X-Correlation-ID", malicious));
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string returned = response.Headers.GetValues("X-Correlation-ID").Single();
        Assert.Matches("^[0-9a-f]{32}$", returned);
        Assert.Equal(returned, Assert.Single(primary.Snapshot()).Headers["X-Correlation-ID"]);
        Assert.DoesNotContain("Set-Cookie", response.Headers.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
