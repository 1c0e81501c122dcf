using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Bulwark.AspNetCore.Providers;
using Bulwark.AspNetCore.Requests;
using Bulwark.CircuitBreaker;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Polly;

namespace Bulwark.AspNetCore.Prometheus.Tests;

/// <summary>The scrape endpoint on a real Kestrel app on 127.0.0.1.</summary>
public class BulwarkMetricsEndpointTests
{
    [Fact]
    public async Task MapBulwarkMetrics_Scraped_ContainsServerDurationAndBreakerState()
    {
        // Meters are process-wide: names no other test uses keep the scrape's series this test's own.
        var a = new CircuitBreakerHandle();
        var b = new CircuitBreakerHandle();
        _ = new ResiliencePipelineBuilder<int>().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions<int> { Handle = a }).Build();
        _ = new ResiliencePipelineBuilder<int>().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions<int> { Handle = b }).Build();
        await a.IsolateAsync();
        var catalog = new BulwarkProviderCatalog([new("scrape-a", a, null), new("scrape-b", b, null)]);

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IBulwarkProviderCatalog>(catalog);
        builder.Services.AddBulwarkPrometheusExporter().AddBulwarkPrometheusExporter();
        builder.Services.AddBulwarkTelemetry(builder.Configuration);
        var app = builder.Build();
        app.UseBulwarkTelemetry();
        app.MapGet("/scrape/{id}", (HttpContext context) =>
        {
            context.Features.Set(new BulwarkRequestFeature
            {
                Route = "/scrape/{id}",
                Provider = "scraped",
                Attempts = [new("scraped", 1, Bulwark.Failover.FailoverAttemptKind.Success, 200, null, TimeSpan.FromMilliseconds(5), Bulwark.Outcomes.AttemptOutcome.Success, true)],
            });
            return Results.Text("ok");
        });
        app.MapBulwarkMetrics();
        await using (app)
        {
            await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
            using var client = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), Timeout = TimeSpan.FromSeconds(30) };
            using var server = new MetricCollector<double>(app.Services.GetRequiredService<IMeterFactory>(), "Bulwark", "http.server.request.duration");
            using (await client.GetAsync(new Uri("/scrape/1", UriKind.Relative)))
            {
            }

            await server.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(10));
            string body = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

            Assert.Contains("http_server_request_duration_seconds_bucket{", body, StringComparison.Ordinal);
            Assert.Matches(new Regex("""http_server_request_duration_seconds_count\{[^}]*http_route="/scrape/\{id\}"[^}]*\} 1"""), body);
            Assert.Matches(new Regex("""bulwark_circuit_breaker_state\{[^}]*bulwark_provider="scrape-a"[^}]*\} 3"""), body);
            Assert.Matches(new Regex("""bulwark_circuit_breaker_state\{[^}]*bulwark_provider="scrape-b"[^}]*\} 0"""), body);
            Assert.Matches(new Regex("""http_client_request_duration_seconds_count\{[^}]*bulwark_provider="scraped"[^}]*\} 1"""), body);
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task MapBulwarkMetrics_ExporterNotRegistered_ThrowsNamingTheCall()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBulwarkTelemetry(builder.Configuration);
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapBulwarkMetrics());

        Assert.Equal("The Prometheus exporter is not registered: call services.AddBulwarkPrometheusExporter() (and services.AddBulwarkTelemetry(configuration)) first.", error.Message);
    }
}
