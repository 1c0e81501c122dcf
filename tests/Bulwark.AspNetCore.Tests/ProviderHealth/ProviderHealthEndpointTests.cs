using System.Net;
using System.Text.Json;
using Bulwark.AspNetCore.ProviderHealth;
using Bulwark.AspNetCore.Tests.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.AspNetCore.Tests.ProviderHealth;

public class ProviderHealthEndpointTests
{
    [Fact]
    public async Task GetHealthProviders_AfterRequests_ReturnsEachProviderAsSnakeCaseJson()
    {
        // The middleware feeds the statistics from the request's attempts (three reached a provider) after the response.
        var recorded = new SignallingStatistics(expected: 3);
        await using var app = await TestApp.StartAsync(
            a =>
            {
                BulwarkMapping(a);
                a.MapBulwarkProviderHealth();
            },
            services => services.AddSingleton<IProviderStatistics>(sp => recorded.Wrap(sp.GetRequiredService<ProviderStatisticsRegistry>())));
        using (await app.Client.GetAsync(new Uri("/orders/1", UriKind.Relative)))
        {
        }

        await recorded.Done.WaitAsync(TimeSpan.FromSeconds(10));

        using var response = await app.Client.GetAsync(new Uri("/health/providers", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var providers = json.RootElement.GetProperty("providers").EnumerateArray().ToDictionary(p => p.GetProperty("provider").GetString()!);
        Assert.Equal(["a", "d"], providers.Keys.Order());
        var a = providers["a"];
        Assert.Equal(2, a.GetProperty("samples").GetInt32());
        Assert.Equal(30, a.GetProperty("latency_p50_ms").GetDouble());
        Assert.Equal(40, a.GetProperty("latency_p95_ms").GetDouble());
        Assert.Equal(1.0, a.GetProperty("error_rate").GetDouble());
        Assert.Equal("Learning", a.GetProperty("anomaly").GetString());
        Assert.Equal(JsonValueKind.Null, a.GetProperty("breaker_state").ValueKind);
        Assert.Equal(50, a.GetProperty("health_score").GetInt32());
        Assert.Equal("degraded", a.GetProperty("status").GetString());
        Assert.True(a.TryGetProperty("ewma_latency_ms", out _));
        Assert.Equal(100, providers["d"].GetProperty("health_score").GetInt32());
    }

    [Fact]
    public async Task MapBulwarkProviderHealth_WithoutServices_Throws()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapBulwarkProviderHealth());

        Assert.Equal("IProviderStatistics is not registered: call services.AddBulwarkTelemetry(configuration) or services.AddBulwarkProviderHealth() first.", error.Message);
    }

    private sealed class SignallingStatistics(int expected) : IProviderStatistics
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IProviderStatistics? _inner;
        private int _count;

        public Task Done => _done.Task;

        public IProviderStatistics Wrap(IProviderStatistics inner)
        {
            _inner = inner;
            return this;
        }

        public void Record(string provider, TimeSpan duration, bool success)
        {
            _inner!.Record(provider, duration, success);
            if (Interlocked.Increment(ref _count) == expected)
            {
                _done.TrySetResult();
            }
        }

        public IReadOnlyList<ProviderStatisticsSnapshot> Snapshot() => _inner!.Snapshot();
    }

    private static void BulwarkMapping(WebApplication app) =>
        app.MapGet("/orders/{id}", (Microsoft.AspNetCore.Http.HttpContext context) =>
        {
            context.Features.Set(new Requests.BulwarkRequestFeature { Route = "/orders/{id}", Provider = "d", Attempts = Attempts.FailoverChain });
            return Microsoft.AspNetCore.Http.Results.Text("ok");
        });
}
