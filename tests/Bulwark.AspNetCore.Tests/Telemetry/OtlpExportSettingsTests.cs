using Bulwark.AspNetCore.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;

namespace Bulwark.AspNetCore.Tests.Telemetry;

/// <summary>Where each signal goes over OTLP: <c>Bulwark:Telemetry</c>, then the standard <c>OTEL_*</c> variables.</summary>
public class OtlpExportSettingsTests
{
    [Fact]
    public void Resolve_NothingSet_ExportsNothing_GrpcAndServiceNameBulwark()
    {
        var export = Resolve([]);

        Assert.False(export.Exports);
        Assert.Equal(OtlpExportProtocol.Grpc, export.Protocol);
        Assert.Equal("bulwark", export.ServiceName);
    }

    [Fact]
    public void Resolve_EndpointVariableAlone_ExportsEverySignalThereOverGrpc()
    {
        var export = Resolve(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4317" });

        Assert.Equal(OtlpExportProtocol.Grpc, export.Protocol);
        Assert.All(new[] { export.Traces, export.Metrics, export.Logs }, u => Assert.Equal(new Uri("http://collector:4317"), u));
    }

    [Theory]
    [InlineData("http://collector:4318", "http://collector:4318/v1/traces", "http://collector:4318/v1/metrics", "http://collector:4318/v1/logs")]
    [InlineData("http://collector:4318/otlp/", "http://collector:4318/otlp/v1/traces", "http://collector:4318/otlp/v1/metrics", "http://collector:4318/otlp/v1/logs")]
    public void Resolve_HttpProtobuf_EachSignalUnderItsPath(string endpoint, string traces, string metrics, string logs)
    {
        var export = Resolve(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint, ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" });

        Assert.Equal(OtlpExportProtocol.HttpProtobuf, export.Protocol);
        Assert.Equal(new Uri(traces), export.Traces);
        Assert.Equal(new Uri(metrics), export.Metrics);
        Assert.Equal(new Uri(logs), export.Logs);
    }

    [Fact]
    public void Resolve_SignalEndpointVariables_AreUsedAsTheyAre_AndAloneExportOnlyTheirSignal()
    {
        var export = Resolve(new() { ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = "http://logs:4318/custom", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" });

        Assert.Null(export.Traces);
        Assert.Null(export.Metrics);
        Assert.Equal(new Uri("http://logs:4318/custom"), export.Logs);
    }

    [Fact]
    public void Resolve_BulwarkTelemetryKeys_WinOverTheVariables()
    {
        var export = Resolve(new()
        {
            ["Bulwark:Telemetry:OtlpEndpoint"] = "http://configured:4318",
            ["Bulwark:Telemetry:OtlpProtocol"] = "HttpProtobuf",
            ["Bulwark:Telemetry:ServiceName"] = "configured",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://variable:4317",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_SERVICE_NAME"] = "variable",
        });

        Assert.Equal(new Uri("http://configured:4318/v1/traces"), export.Traces);
        Assert.Equal(OtlpExportProtocol.HttpProtobuf, export.Protocol);
        Assert.Equal("configured", export.ServiceName);
    }

    [Fact]
    public void Resolve_ServiceNameVariable_NamesTheServiceWhenTheSectionDoesNot()
    {
        Assert.Equal("checkout-edge", Resolve(new() { ["OTEL_SERVICE_NAME"] = "checkout-edge" }).ServiceName);
    }

    [Fact]
    public void AddBulwarkTelemetry_InvalidVariables_ListsEveryError()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "collector:4317",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json",
        }).Build();

        var error = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddBulwarkTelemetry(configuration));

        Assert.Equal(
            [
                "OTEL_EXPORTER_OTLP_PROTOCOL must be grpc or http/protobuf; got 'http/json'.",
                "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http or https URI, such as http://localhost:4317; got 'collector:4317'.",
            ],
            error.Failures);
    }

    private static OtlpExportSettings Resolve(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = configuration.GetSection("Bulwark:Telemetry").Get<BulwarkTelemetryOptions>() ?? new BulwarkTelemetryOptions();
        var errors = new List<string>();
        var export = OtlpExportSettings.Resolve(configuration, options, "Bulwark:Telemetry", errors);
        Assert.Empty(errors);
        return export;
    }
}
