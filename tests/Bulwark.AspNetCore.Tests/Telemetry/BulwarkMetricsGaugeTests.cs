using System.Diagnostics.Metrics;
using Bulwark.AspNetCore.Providers;
using Bulwark.Bulkhead;
using Bulwark.CircuitBreaker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Polly;

namespace Bulwark.AspNetCore.Tests.Telemetry;

public class BulwarkMetricsGaugeTests
{
    [Fact]
    public async Task Gauges_ReadBreakerAndBulkheadOfEachProvider()
    {
        var (catalog, breakers, _) = Catalog("a", "b");
        await breakers[1].IsolateAsync();
        await using var app = await BulwarkMetricsTests.StartAsync(services => services.AddSingleton(catalog));
        var factory = app.Services.GetRequiredService<IMeterFactory>();
        using var state = new MetricCollector<int>(factory, "Bulwark", "bulwark.circuit_breaker.state");
        using var active = new MetricCollector<int>(factory, "Bulwark", "bulwark.bulkhead.active");
        using var queued = new MetricCollector<int>(factory, "Bulwark", "bulwark.bulkhead.queued");
        _ = app.Services.GetRequiredService<Bulwark.AspNetCore.Telemetry.BulwarkMetrics>();

        state.RecordObservableInstruments();
        active.RecordObservableInstruments();
        queued.RecordObservableInstruments();

        Assert.Equal([("a", 0), ("b", 3)], state.GetMeasurementSnapshot().Select(m => ((string)m.Tags["bulwark.provider"]!, m.Value)));
        Assert.Equal("{state}", state.Instrument!.Unit);
        Assert.Equal([("a", 0)], active.GetMeasurementSnapshot().Select(m => ((string)m.Tags["bulwark.provider"]!, m.Value)));
        Assert.Equal([("a", 0)], queued.GetMeasurementSnapshot().Select(m => ((string)m.Tags["bulwark.provider"]!, m.Value)));
    }

    private static (IBulwarkProviderCatalog Catalog, CircuitBreakerHandle[] Breakers, BulkheadHandle Bulkhead) Catalog(string first, string second)
    {
        var a = new CircuitBreakerHandle();
        var b = new CircuitBreakerHandle();
        var bulkhead = new BulkheadHandle();
        _ = new ResiliencePipelineBuilder<int>()
            .AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions<int> { Handle = a })
            .AddBulwarkBulkhead(new BulwarkBulkheadStrategyOptions { MaxConcurrency = 2, QueueLimit = 1, Handle = bulkhead })
            .Build();
        _ = new ResiliencePipelineBuilder<int>().AddBulwarkCircuitBreaker(new BulwarkCircuitBreakerStrategyOptions<int> { Handle = b }).Build();
        return (new BulwarkProviderCatalog([new(first, a, bulkhead), new(second, b, null)]), [a, b], bulkhead);
    }
}
