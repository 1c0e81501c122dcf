using Bulwark.AspNetCore.Anomaly;
using Bulwark.AspNetCore.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
