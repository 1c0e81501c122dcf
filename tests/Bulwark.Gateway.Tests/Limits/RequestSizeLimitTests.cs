using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Limits;

public class RequestSizeLimitTests
{
    private const string SmallBodyLimit = """ "Limits": { "MaxRequestBodyBytes": 65536 }, """;

    // Over the body limit but under the buffer limit, or the reverse: both paths of the handler.
    private const string StreamedSmallBodyLimit = """ "MaxBufferedBodyBytes": 1024, "MaxReplayableBodyBytes": 0, "Limits": { "MaxRequestBodyBytes": 65536 }, """;

    // Over the buffer limit, so spooled for retries as it arrives: Kestrel's limit fails the spool's reading.
    private const string SpooledSmallBodyLimit = """ "MaxBufferedBodyBytes": 1024, "Limits": { "MaxRequestBodyBytes": 65536 }, """;

    [Theory]
    [InlineData(SmallBodyLimit)]
    [InlineData(StreamedSmallBodyLimit)]
    [InlineData(SpooledSmallBodyLimit)]
    public async Task Post_ContentLengthOverLimit_Is413ProblemAndNothingIsForwarded(string limits)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: limits));

        using var response = await gateway.Client.PostAsync("/api/upload", new ByteArrayContent(new byte[100 * 1024]));

        await AssertTooLargeAsync(response);
        Assert.Equal(0, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    [Theory]
    [InlineData(SmallBodyLimit)]
    [InlineData(StreamedSmallBodyLimit)]
    [InlineData(SpooledSmallBodyLimit)]
    public async Task Post_ChunkedBodyGrowingOverLimit_Is413Problem(string limits)
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: limits));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/upload") { Content = new ByteArrayContent(new byte[200 * 1024]) };
        request.Headers.TransferEncodingChunked = true;
        using var response = await gateway.Client.SendAsync(request);

        await AssertTooLargeAsync(response);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Post_BodyUnderLimit_IsForwardedWhole()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: StreamedSmallBodyLimit));
        var payload = new byte[60 * 1024];
        Random.Shared.NextBytes(payload);

        using var response = await gateway.Client.PostAsync("/api/upload", new ByteArrayContent(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(payload, Assert.Single(primary.Snapshot()).Body);
    }

    [Fact]
    public async Task Get_MoreHeadersThanAllowed_Is431()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: """ "Limits": { "MaxRequestHeaderCount": 10 }, """));

        using var few = new HttpRequestMessage(HttpMethod.Get, "/api/few");
        few.Headers.Add("X-Extra-1", "1");
        using var allowed = await gateway.Client.SendAsync(few);
        using var many = new HttpRequestMessage(HttpMethod.Get, "/api/many");
        for (int i = 0; i < 20; i++)
        {
            many.Headers.Add($"X-Extra-{i}", "1");
        }

        using var refused = await gateway.Client.SendAsync(many);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, refused.StatusCode);
        Assert.Equal(1, primary.Requests);
    }

    [Fact]
    public async Task Get_HeadersLargerThanAllowed_Is431()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
            primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: """ "Limits": { "MaxRequestHeadersTotalSize": 2048 }, """));

        using var large = new HttpRequestMessage(HttpMethod.Get, "/api/large");
        large.Headers.Add("X-Large", new string('a', 4096));
        using var refused = await gateway.Client.SendAsync(large);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, refused.StatusCode);
        Assert.Equal(0, primary.Requests);
    }

    private static async Task AssertTooLargeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal(413, problem.GetProperty("status").GetInt32());
        Assert.Equal("urn:bulwark:problem:bad-request-body", problem.GetProperty("type").GetString());
        Assert.False(problem.GetProperty("retryable").GetBoolean());
    }
}
