using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Configuration;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary>The production check's <c>no-otlp-endpoint</c> finding knows that the standard variable alone turns export on.</summary>
public class OtlpReadinessTests
{
    [Theory]
    [InlineData(null, null, true)]
    [InlineData("http://collector:4317", null, false)]
    [InlineData(null, "http://collector:4318", false)]
    public void NoOtlpEndpoint_IsAFinding_OnlyWhenNeitherTheKeyNorOtelExporterOtlpEndpointIsSet(string? key, string? variable, bool finding)
    {
        string telemetry = key is null ? string.Empty : $$""" "Telemetry": { "OtlpEndpoint": "{{key}}" }, """;
        string json = $$"""{ "Bulwark": { {{telemetry}} "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } }, "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ] } }""";
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = variable })
            .Build();
        var loaded = GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = static _ => null, EnvironmentOverrides = false });

        var findings = ProductionReadiness.Evaluate(loaded.Options, configuration);

        Assert.Equal(finding, findings.Any(static f => f.Code == "no-otlp-endpoint"));
    }
}
