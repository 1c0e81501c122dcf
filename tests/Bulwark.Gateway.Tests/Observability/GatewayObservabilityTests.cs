using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Observability;

/// <summary>The gateway's health endpoints, metrics and admin API, end to end against real upstreams.</summary>
public class GatewayObservabilityTests
{
    private const string Token = "admin-token-0123456789abcdef";

    private static string Config(Upstream primary, Upstream secondary) =>
        Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: $$""" "Admin": { "Token": "{{Token}}" }, """);

    [Fact]
    public async Task HealthEndpoints_ReportTheGatewaysProviders()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n % 2 == 0 ? Upstream.Status(503)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary, secondary));
        for (int i = 0; i < 10; i++)
        {
            using var ok = await gateway.Client.GetAsync($"/api/item/{i}");
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var live = await gateway.Client.GetAsync("/health/live");
        using var ready = await gateway.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        var breakers = await Json(gateway, "/health/circuit-breakers");
        Assert.Equal("healthy", breakers.GetProperty("status").GetString());
        Assert.Equal(0, breakers.GetProperty("open_count").GetInt32());
        Assert.True(breakers.GetProperty("breakers").TryGetProperty("primary", out var primaryBreaker));
        Assert.True(primaryBreaker.GetProperty("failure_count").GetInt64() > 0); // the held-back 503s were counted

        var aggregate = await Json(gateway, "/health");
        Assert.True(aggregate.GetProperty("bulkheads").TryGetProperty("secondary", out _));

        var errorRate = await Json(gateway, "/health/error-rate");
        Assert.Equal(10, errorRate.GetProperty("success_count").GetInt64());
        Assert.Equal(0, errorRate.GetProperty("error_count").GetInt64());

        var providers = await Json(gateway, "/health/providers");
        var primaryStats = providers.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("provider").GetString() == "primary");
        Assert.True(primaryStats.GetProperty("samples").GetInt32() >= 10);
        Assert.True(primaryStats.GetProperty("error_rate").GetDouble() > 0);
    }

    [Fact]
    public async Task Metrics_AreScrapedInPrometheusFormat()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary, secondary));
        using (var ok = await gateway.Client.GetAsync("/api/item"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        string metrics = await gateway.Client.GetStringAsync("/metrics");
        Assert.Contains("http_server_request_duration_seconds", metrics, StringComparison.Ordinal);
        Assert.Contains("bulwark_circuit_breaker_state", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_NeedsTheToken_AndItsIsolationMakesTrafficFailOver()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary, secondary));

        using (var anonymous = await gateway.Client.GetAsync("/admin/breakers"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using (var wrong = await Send(gateway, HttpMethod.Get, "/admin/breakers", "not-the-token-at-all"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using (var isolate = await Send(gateway, HttpMethod.Post, "/admin/breakers/primary/isolate", Token))
        {
            Assert.Equal(HttpStatusCode.OK, isolate.StatusCode);
        }

        using var response = await gateway.Client.GetAsync("/api/item");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("secondary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(0, primary.Requests);

        using var status = await Send(gateway, HttpMethod.Get, "/admin/system/status", Token);
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.DoesNotContain(Token, await status.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProductionReadiness_IsBehindTheToken_AndListsFindings()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(primary, secondary));

        using (var anonymous = await gateway.Client.GetAsync("/admin/production-readiness"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        using var report = await Send(gateway, HttpMethod.Get, "/admin/production-readiness", Token);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        string body = await report.Content.ReadAsStringAsync();
        Assert.Contains("retry-without-budget", body, StringComparison.Ordinal); // the test pipeline retries without a budget
        Assert.DoesNotContain("admin-token-missing", body, StringComparison.Ordinal); // a token is configured
        Assert.DoesNotContain(Token, body, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> Send(GatewayUnderTest gateway, HttpMethod method, string path, string token)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await gateway.Client.SendAsync(request);
    }

    private static async Task<JsonElement> Json(GatewayUnderTest gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
