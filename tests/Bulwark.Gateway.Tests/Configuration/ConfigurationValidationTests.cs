using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Configuration;

public class ConfigurationValidationTests
{
    [Fact]
    public void Build_InvalidConfiguration_ThrowsWithEveryError()
    {
        var settings = new GatewayHostSettings(null, InvalidConfig.Json, ["http://127.0.0.1:0"])
        {
            Environment = _ => null,
            EnvironmentOverrides = false,
        };

        var error = Assert.Throws<OptionsValidationException>(() => GatewayHost.Build(settings));

        Assert.Equal(InvalidConfig.Errors, error.Failures);
    }

    [Theory]
    [InlineData("00:00:00.099")]
    [InlineData("01:00:00.001")]
    [InlineData("-00:00:01")]
    public void Build_ReloadPollIntervalOutOfRange_ReportsItExactly(string poll)
    {
        using var primary = ClosedPort.Open();
        var settings = new GatewayHostSettings(null, Configs.TwoProviders(primary.Address, primary.Address, bulwarkExtra: $$"""
            "Reload": { "PollInterval": "{{poll}}" },
            """), ["http://127.0.0.1:0"])
        {
            Environment = _ => null,
            EnvironmentOverrides = false,
        };

        var error = Assert.Throws<OptionsValidationException>(() => GatewayHost.Build(settings));

        Assert.Equal(
            [$"Bulwark:Reload:PollInterval: {TimeSpan.Parse(poll, System.Globalization.CultureInfo.InvariantCulture):c} is out of range; allowed 00:00:00 (off) or 00:00:00.1000000 to 01:00:00."],
            error.Failures);
    }

    [Fact]
    public async Task Build_ValidConfiguration_DoesNotThrow()
    {
        using var primary = ClosedPort.Open();
        using var secondary = ClosedPort.Open();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.Address, secondary.Address));

        using var response = await gateway.Client.GetAsync("/health/live");

        Assert.True(response.IsSuccessStatusCode);
    }
}
