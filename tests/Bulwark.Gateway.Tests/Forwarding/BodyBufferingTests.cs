using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

public class BodyBufferingTests
{
    private const string SmallBufferLimit = """ "MaxBufferedBodyBytes": 1024, "MaxReplayableBodyBytes": 0, """;

    [Fact]
    public async Task Put_BodyOverBufferLimit_503_IsSentOnceAndSaysWhy()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: SmallBufferLimit));
        var payload = Payload(4096);

        using var response = await gateway.Client.PutAsync("/api/files/1", new ByteArrayContent(payload));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("never retried", response.Headers.GetValues("X-Bulwark-Retry").Single(), StringComparison.Ordinal);
        var received = Assert.Single(primary.Snapshot());
        Assert.Equal(payload, received.Body);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Put_BodyOverBufferLimit_Ok_IsForwardedInFullAndSaysItWasNotRetryable()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: SmallBufferLimit));
        var payload = Payload(4096);

        using var response = await gateway.Client.PutAsync("/api/files/1", new ByteArrayContent(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("never retried", response.Headers.GetValues("X-Bulwark-Retry").Single(), StringComparison.Ordinal);
        Assert.Equal(payload, Assert.Single(primary.Snapshot()).Body);
    }

    [Fact]
    public async Task Put_SmallBodyOfUnknownLength_IsBufferedAndReplayed()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));
        var payload = Payload(100);

        // No Content-Length (chunked), but it fits the buffer: every attempt and the failover re-send it whole.
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/files/4") { Content = new ByteArrayContent(payload) };
        request.Headers.TransferEncodingChunked = true;
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Bulwark-Retry"));
        Assert.Equal(3, primary.Requests);
        Assert.All(primary.Snapshot(), r => Assert.Equal(payload, r.Body));
        Assert.Equal(payload, Assert.Single(secondary.Snapshot()).Body);
    }

    [Fact]
    public async Task Put_LargeBodyOfUnknownLength_503_IsSentOnceWholeAndSaysWhy()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: SmallBufferLimit));
        var payload = Payload(4096);

        // Chunked and over the limit: what was read to find out goes first, the rest after it, once.
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/files/5") { Content = new ByteArrayContent(payload) };
        request.Headers.TransferEncodingChunked = true;
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("never retried", response.Headers.GetValues("X-Bulwark-Retry").Single(), StringComparison.Ordinal);
        Assert.Equal(payload, Assert.Single(primary.Snapshot()).Body);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Put_BodyUnderBufferLimit_IsResentInFullOnEveryAttempt()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n <= 2 ? Upstream.Status(503)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: SmallBufferLimit));
        var payload = Payload(1000);

        using var response = await gateway.Client.PutAsync("/api/files/2", new ByteArrayContent(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-Bulwark-Retry"));
        var received = primary.Snapshot();
        Assert.Equal(3, received.Length);
        Assert.All(received, r => Assert.Equal(payload, r.Body));
    }

    [Fact]
    public async Task Put_BodyUnderBufferLimit_FailsOverWithTheFullBody()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: SmallBufferLimit));
        var payload = Payload(1024);

        using var response = await gateway.Client.PutAsync("/api/files/3", new ByteArrayContent(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.All(primary.Snapshot(), r => Assert.Equal(payload, r.Body));
        Assert.Equal(payload, Assert.Single(secondary.Snapshot()).Body);
    }

    private static byte[] Payload(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i * 31 % 251);
        }

        return bytes;
    }
}
