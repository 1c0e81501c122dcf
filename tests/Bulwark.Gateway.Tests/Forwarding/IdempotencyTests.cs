using System.Net;
using System.Text;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

public class IdempotencyTests
{
    [Fact]
    public async Task Post_WithoutIdempotencyKey_503_IsNotRepeated()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":1}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.False(problem.GetProperty("retryable").GetBoolean());
        Assert.Contains("Idempotency-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Post_WithoutIdempotencyKey_ConnectionReset_IsNotRepeated()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        };
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":1}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.False(problem.GetProperty("retryable").GetBoolean());
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Post_WithIdempotencyKey_IsRetried_WithTheKeyUnchangedOnEveryAttempt()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n <= 2 ? Upstream.Status(503)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = Json("""{"order":2}""") };
        request.Headers.Add("Idempotency-Key", "order-2-7f3c");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = primary.Snapshot();
        Assert.Equal(3, received.Length);
        Assert.All(received, r => Assert.Equal("order-2-7f3c", r.Headers["Idempotency-Key"]));
        Assert.All(received, r => Assert.Equal("""{"order":2}""", Encoding.UTF8.GetString(r.Body)));
    }

    [Fact]
    public async Task Post_OnIdempotentRoute_IsRetriedWithoutKey()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n == 1 ? Upstream.Status(503)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, routeExtra: ""","Idempotent": true"""));

        using var response = await gateway.Client.PostAsync("/api/search", Json("""{"q":"x"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, primary.Requests);
        Assert.Equal("2", response.Headers.GetValues("X-Bulwark-Attempts").Single());
    }

    [Fact]
    public async Task Post_WithoutKey_FirstProviderRefusesConnection_FailsOverToSecond()
    {
        await using var secondary = await Upstream.StartAsync();
        using var primary = ClosedPort.Open();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.Address, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", Json("""{"order":3}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        var received = Assert.Single(secondary.Snapshot());
        Assert.Equal("""{"order":3}""", Encoding.UTF8.GetString(received.Body));
    }

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");
}
