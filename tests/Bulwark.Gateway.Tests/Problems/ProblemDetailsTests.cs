using System.Globalization;
using System.Net;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Tests.Problems;

public class ProblemDetailsTests
{
    private const string UpstreamSecret = "UPSTREAM-INTERNAL-DETAIL at Provider.Db.Query() in /srv/provider/Db.cs:line 42";

    [Fact]
    public async Task Get_EveryProviderAnswers503_Returns502RetryableProblem()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = secondary.Behaviour = LeakyServiceUnavailable;
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/api/chat");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:providers-failed", problem.GetProperty("type").GetString());
        Assert.Equal(502, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        var attempts = problem.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["primary", "primary", "primary", "secondary", "secondary", "secondary"], attempts.Select(a => a.GetProperty("provider").GetString()));
        Assert.All(attempts, a => Assert.Equal("failed: transient status", a.GetProperty("outcome").GetString()));
        Assert.All(attempts, a => Assert.Equal(JsonValueKind.Number, a.GetProperty("durationMs").ValueKind));
        AssertNoInternals(text);
    }

    [Fact]
    public async Task Put_BodyTooLargeToKeep_ProviderAnswers500_DetailSaysItCouldNotBeResent_AndAdvisesNoIdempotencyKey()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(500);
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: """ "MaxBufferedBodyBytes": 1024, "MaxReplayableBodyBytes": 0, """));

        using var response = await gateway.Client.PutAsync("/api/files/1", new ByteArrayContent(new byte[4096]));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("too large for the gateway to keep", detail, StringComparison.Ordinal);
        Assert.Contains("with or without an Idempotency-Key", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("send it with an Idempotency-Key", detail, StringComparison.Ordinal);
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Post_SmallBody_ProviderAnswers500_DetailAdvisesAnIdempotencyKey()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(500);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.PostAsync("/api/orders", new ByteArrayContent(new byte[16]));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        string detail = (await Problem.ReadAsync(response)).GetProperty("detail").GetString()!;
        Assert.Contains("send it with an Idempotency-Key header to let the gateway retry it safely", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_EveryProviderRefusesConnections_Returns502RetryableProblem()
    {
        using var primary = ClosedPort.Open();
        using var secondary = ClosedPort.Open();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.Address, secondary.Address));

        using var response = await gateway.Client.GetAsync("/api/chat");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var problem = await Problem.ReadAsync(response);
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        Assert.All(problem.GetProperty("attempts").EnumerateArray(), a => Assert.Equal("failed: connection error", a.GetProperty("outcome").GetString()));
        Assert.DoesNotContain("refused", text, StringComparison.OrdinalIgnoreCase);
        AssertNoInternals(text);
    }

    [Fact]
    public async Task Get_EveryBreakerOpen_Returns503WithRetryAfterCorrelationAndAttempts()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = secondary.Behaviour = LeakyServiceUnavailable;
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        // Three failures per provider per request; five in a row open each breaker.
        for (int i = 0; i < 2; i++)
        {
            using var failing = await gateway.Client.GetAsync("/api/chat");
            Assert.Equal(HttpStatusCode.BadGateway, failing.StatusCode);
        }

        int sent = primary.Requests + secondary.Requests;
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/chat");
        request.Headers.Add("X-Correlation-ID", "breakers-open-1");
        using var response = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(sent, primary.Requests + secondary.Requests);
        var text = await response.Content.ReadAsStringAsync();
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:providers-unavailable", problem.GetProperty("type").GetString());
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("retryable").GetBoolean());
        Assert.Equal("breakers-open-1", problem.GetProperty("correlationId").GetString());
        Assert.Equal("breakers-open-1", response.Headers.GetValues("X-Correlation-ID").Single());

        int retryAfterSeconds = problem.GetProperty("retryAfterSeconds").GetInt32();
        Assert.InRange(retryAfterSeconds, 1, 30);
        Assert.Equal(retryAfterSeconds.ToString(CultureInfo.InvariantCulture), response.Headers.GetValues("Retry-After").Single());

        var attempts = problem.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(["primary", "secondary"], attempts.Select(a => a.GetProperty("provider").GetString()));
        Assert.All(attempts, a =>
        {
            Assert.Equal("skipped: circuit open", a.GetProperty("outcome").GetString());
            Assert.Equal(JsonValueKind.Number, a.GetProperty("durationMs").ValueKind);
        });
        AssertNoInternals(text);
    }

    [Fact]
    public async Task Get_UnknownRoute_Returns404Problem()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/not-a-route/x");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("urn:bulwark:problem:no-route", problem.GetProperty("type").GetString());
        Assert.Equal(404, problem.GetProperty("status").GetInt32());
        Assert.False(problem.GetProperty("retryable").GetBoolean());
        Assert.Equal(0, primary.Requests + secondary.Requests);
    }

    [Fact]
    public async Task Get_HealthLive_Returns200()
    {
        using var primary = ClosedPort.Open();
        using var secondary = ClosedPort.Open();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.Address, secondary.Address));

        using var response = await gateway.Client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"live"}""", await response.Content.ReadAsStringAsync());
    }

    private static async Task LeakyServiceUnavailable(HttpContext context, int n)
    {
        context.Response.StatusCode = 503;
        context.Response.ContentType = "text/plain";
        await context.Response.WriteAsync($"System.InvalidOperationException: {UpstreamSecret}\n   at Provider.Handle()");
    }

    private static void AssertNoInternals(string body)
    {
        Assert.DoesNotContain("UPSTREAM-INTERNAL-DETAIL", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);
    }
}
