using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Samples;

/// <summary>The fleet example (deploy/fleet: three gateways on Redis and PostgreSQL) stays a configuration production accepts, with its secrets where compose puts them.</summary>
public sealed class FleetExampleTests
{
    [Fact]
    public async Task FleetExample_PassesCheckConfigProduction_WithTheEnvironmentComposeGives()
    {
        string config = Path.Combine(RepositoryFiles.Root, "deploy", "fleet", "bulwark.json");
        var environment = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-test-not-a-key",
            ["Bulwark__Admin__Token"] = "fleet-admin-token-0123456789abcdef",
            ["Bulwark__SharedState__InstanceId"] = "gateway-1",
            ["BULWARK_REDIS"] = "redis:6379",
            ["BULWARK_POSTGRES"] = "Host=postgres;Database=bulwark;Username=bulwark;Password=not-the-password",
        };

        var (exit, output) = await GatewayProcess.RunToExitAsync(["check-config", "--config", config, "--production"], environment, TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, output);
        Assert.Contains("Production readiness: ready (0 error(s)", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", output, StringComparison.Ordinal);
        Assert.DoesNotContain("shared-state-sqlite-store", output, StringComparison.Ordinal);
    }
}
