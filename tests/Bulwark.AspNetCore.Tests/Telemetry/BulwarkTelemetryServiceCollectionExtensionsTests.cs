using System.Diagnostics;
using Bulwark.AspNetCore.Anomaly;
using Bulwark.AspNetCore.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Bulwark.AspNetCore.Tests.Telemetry;

public class BulwarkTelemetryServiceCollectionExtensionsTests
{
    [Fact]
    public void AddBulwarkTelemetry_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        var configuration = Configuration([]);

        services.AddBulwarkTelemetry(configuration).AddBulwarkTelemetry(configuration);

        Assert.Single(services, d => d.ServiceType == typeof(BulwarkMetrics));
        Assert.Single(services, d => d.ServiceType == typeof(AnomalyDetector));
    }

    [Fact]
    public void AddBulwarkTelemetry_BindsOtlpAndAnomalySections()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBulwarkTelemetry(Configuration(new()
        {
            ["Bulwark:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4318",
            ["Bulwark:Telemetry:OtlpProtocol"] = "HttpProtobuf",
            ["Bulwark:Telemetry:Anomaly:LatencyConsecutiveBreaches"] = "20",
        }));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<BulwarkTelemetryOptions>>().Value;
        Assert.Equal(new Uri("http://127.0.0.1:4318"), options.OtlpEndpoint);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, options.OtlpProtocol);
        Assert.Equal(20, provider.GetRequiredService<IOptions<AnomalyDetectorOptions>>().Value.LatencyConsecutiveBreaches);
        Assert.NotNull(provider.GetService<MeterProvider>());
        Assert.NotNull(provider.GetService<TracerProvider>());
    }

    // A tracer provider without an exporter samples every span only to drop it: nothing may listen when nothing exports.
    [Fact]
    public void AddBulwarkTelemetry_NoOtlpEndpoint_BuildsNoTracerProvider()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBulwarkTelemetry(Configuration([]));
        using var provider = services.BuildServiceProvider();

        Assert.Null(provider.GetService<TracerProvider>());
        Assert.NotNull(provider.GetService<MeterProvider>());
    }

    // Without an exporter the request still has its trace context (the client's trace continued: ids in the log scopes,
    // the trace id as correlation id, traceparent upstream), but nothing records it: no tags, no attempt spans.
    [Fact]
    public async Task Request_NoOtlpEndpoint_KeepsTraceContextUnrecorded()
    {
        var traceId = ActivityTraceId.CreateRandom();
        await using var app = await TestApp.StartAsync(static web => web.MapGet("/context", static () =>
        {
            var hosting = Activity.Current;
            while (hosting is not null && hosting.Source.Name != "Microsoft.AspNetCore")
            {
                hosting = hosting.Parent;
            }

            return hosting is null ? "none" : $"{hosting.TraceId} {hosting.IsAllDataRequested} {hosting.GetTagItem("http.request.method") ?? "-"}";
        }));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/context");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal($"{traceId} False -", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void AddBulwarkTelemetry_ApplicationBuildsTracing_ItGetsBulwarksSpans()
    {
        var collector = new CollectingProcessor();
        var services = new ServiceCollection().AddLogging();
        services.AddBulwarkTelemetry(Configuration([]));
        services.AddOpenTelemetry().WithTracing(tracing => tracing.AddProcessor(collector));
        using var provider = services.BuildServiceProvider();
        Assert.NotNull(provider.GetService<TracerProvider>());

        var span = BulwarkTracing.Source.StartActivity("probe");
        Assert.NotNull(span);
        span.Stop();

        Assert.Contains(span, collector.Ended);
    }

    [Fact]
    public void AddBulwarkTelemetry_InvalidSettings_ListsEveryError()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddBulwarkTelemetry(Configuration(new()
        {
            ["Bulwark:Telemetry:OtlpEndpoint"] = "localhost:4317",
            ["Bulwark:Telemetry:ServiceName"] = " ",
        })));

        Assert.Equal(
            ["Bulwark:Telemetry:OtlpEndpoint must be an absolute http or https URI, such as http://localhost:4317; got 'localhost:4317'.", "Bulwark:Telemetry:ServiceName must not be empty."],
            error.Failures);
    }

    [Fact]
    public async Task Start_InvalidAnomalyOptions_FailsWithEveryError()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bulwark:Telemetry:Anomaly:ControlLimitSigmas"] = "0",
            ["Bulwark:Telemetry:Anomaly:WarmupSamples"] = "1",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddBulwarkTelemetry(builder.Configuration);
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Equal(["ControlLimitSigmas must be in (0, 10].", "WarmupSamples must be between 2 and 100000."], error.Failures);
    }

    [Fact]
    public async Task UseBulwarkTelemetry_WithoutServices_Throws()
    {
        await using var app = WebApplication.CreateSlimBuilder().Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.UseBulwarkTelemetry());

        Assert.Equal("Bulwark telemetry is not registered: call services.AddBulwarkTelemetry(configuration) first.", error.Message);
    }

    private sealed class CollectingProcessor : BaseProcessor<System.Diagnostics.Activity>
    {
        public System.Collections.Concurrent.ConcurrentBag<System.Diagnostics.Activity> Ended { get; } = [];

        public override void OnEnd(System.Diagnostics.Activity data) => Ended.Add(data);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
