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

    [Theory]
    [InlineData(""" "Balance": "Fastest" """, "Bulwark:Routes:0:Balance: 'Fastest' is not a valid value; use one of Ordered, RoundRobin, LeastBusy, PowerOfTwo, Bandit.")]
    [InlineData(""" "Balance": "Bandit", "BalanceWeights": { "Success": 101 } """, "Bulwark:Routes:0:BalanceWeights:Success: 101 is out of range; allowed 0 to 100.")]
    [InlineData(""" "Balance": "Bandit", "BalanceWeights": { "Latency": -0.5 } """, "Bulwark:Routes:0:BalanceWeights:Latency: -0.5 is out of range; allowed 0 to 100.")]
    [InlineData(""" "Balance": "Bandit", "BalanceWeights": { "Success": 0, "Latency": 0 } """, "Bulwark:Routes:0:BalanceWeights: Success, Latency and Cost cannot all be 0.")]
    [InlineData(""" "Balance": "Bandit", "BalanceWeights": { "Cost": 1 } """, "Bulwark:Routes:0:BalanceWeights:Cost: only a route with an Api kind (OpenAI, Anthropic) prices its requests; remove it or set the route's Api.")]
    [InlineData(""" "Balance": "Bandit", "BalanceLatencyGoal": "00:00:00" """, "Bulwark:Routes:0:BalanceLatencyGoal: 00:00:00 is out of range; allowed 00:00:00.001 to 1.00:00:00.")]
    [InlineData(""" "Balance": "RoundRobin", "BalanceWeights": { "Success": 1 } """, "Bulwark:Routes:0:BalanceWeights: only a route with Balance Bandit reads them; remove them or set Balance to Bandit.")]
    [InlineData(""" "BalanceLatencyGoal": "00:00:01" """, "Bulwark:Routes:0:BalanceLatencyGoal: only a route with Balance Bandit reads it; remove it or set Balance to Bandit.")]
    public void Load_RouteBalanceSettingInvalid_ReportsItExactly(string setting, string expected)
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, routeExtra: ", " + setting);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal([expected], error.Failures);
    }

    [Theory]
    [InlineData(""" "Api": "Gemini" """, "Bulwark:Routes:0:Api: 'Gemini' is not a valid value; use one of Http, OpenAI, Anthropic.")]
    [InlineData(""" "Api": "7" """, "Bulwark:Routes:0:Api: '7' is not a valid value; use one of Http, OpenAI, Anthropic.")]
    [InlineData(""" "NotProcessedStatusCodes": [ 503, 200 ] """, "Bulwark:Routes:0:NotProcessedStatusCodes:1: 200 is out of range; allowed 400 to 599 (only a failure can prove the provider refused the request).")]
    [InlineData(""" "NotProcessedStatusCodes": [ 302 ] """, "Bulwark:Routes:0:NotProcessedStatusCodes:0: 302 is out of range; allowed 400 to 599 (only a failure can prove the provider refused the request).")]
    public void Load_RouteReplaySettingOutOfRange_ReportsItExactly(string setting, string expected)
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, routeExtra: ", " + setting);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal([expected], error.Failures);
    }

    [Theory]
    [InlineData("00:00:00.099", "00:00:00.0990000")]
    [InlineData("1.00:00:01", "1.00:00:01")]
    public void Load_StorageIntegrityCheckIntervalOutOfRange_ReportsItExactly(string interval, string shown)
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, bulwarkExtra: $$"""
            "Storage": { "IntegrityCheckInterval": "{{interval}}" },
            """);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal([$"Bulwark:Storage:IntegrityCheckInterval: {shown} is out of range; allowed 00:00:00.1 to 1.00:00:00."], error.Failures);
    }

    [Fact]
    public void Load_ProviderNameStartingWithColon_IsRefusedOnce_AsAnEmptyName()
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address).Replace(
            "\"primary\":   { \"BaseUrl\"", "\":primary\": { \"BaseUrl\": \"http://127.0.0.1:9\" }, \"primary\":   { \"BaseUrl\"", StringComparison.Ordinal);
        Assert.Contains(":primary", json, StringComparison.Ordinal);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal(["Bulwark:Providers: a provider name must not be empty (a name starting with ':' reads as an empty one)."], error.Failures);
    }

    [Theory]
    [InlineData("\"Storage\": { \"UsageRetention\": null },", "Bulwark:Storage:UsageRetention: is null; expects a duration")]
    [InlineData("\"Storage\": { \"UsageRetention\": {} },", "Bulwark:Storage:UsageRetention: is null; expects a duration")]
    [InlineData("\"Reload\": { \"Enabled\": null },", "Bulwark:Reload:Enabled: is null; expects")]
    public void Load_ExplicitNull_ForASettingThatNeedsAValue_IsRefused_NotTakenAsADefault(string extra, string expected)
    {
        // Binders disagree on a JSON null (.NET 10's reflection binder sets 00:00:00, the generated one keeps the default):
        // it is refused, naming the setting, whichever binder reads the options.
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, bulwarkExtra: extra);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.StartsWith(expected, Assert.Single(error.Failures), StringComparison.Ordinal);
        Assert.EndsWith("(remove the key to keep the default).", error.Failures.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExplicitNull_ForAnOptionalSetting_IsNotSet()
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, routeExtra: ", \"MaxAttempts\": null");

        var loaded = GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false });

        Assert.Null(loaded.Options.Routes[0].MaxAttempts);
    }

    [Theory]
    [InlineData("{ \"gpt-4o\": \"\" }", "Bulwark:Providers:primary:Models:gpt-4o: the model name to send must not be empty.")]
    [InlineData("{ \" \": \"x\" }", "Bulwark:Providers:primary:Models: a model name must not be empty; use \"*\" to map every name without an entry.")]
    [InlineData("{ \"gpt-4o\": \"a\\u0007b\" }", "Bulwark:Providers:primary:Models:gpt-4o: the model name to send must be 1 to 256 characters without control characters.")]
    public void Load_ProviderModels_EmptyOrControlNames_AreRefused(string models, string expected)
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address).Replace(
            "\"primary\":   { \"BaseUrl\": \"" + primary.Address.ToString().TrimEnd('/') + "\"",
            "\"primary\":   { \"Models\": " + models + ", \"BaseUrl\": \"" + primary.Address.ToString().TrimEnd('/') + "\"",
            StringComparison.Ordinal);
        Assert.Contains("Models", json, StringComparison.Ordinal);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal([expected], error.Failures);
    }

    [Theory]
    [InlineData("\"Api\": \"Anthropic\"", "", "Bulwark:Providers:primary:Api: the provider speaks Anthropic, but route Bulwark:Routes:0 ('/api/{**rest}') speaks Http; only an OpenAI route's chat completions are translated (to an Anthropic provider). Give the route \"Api\": \"OpenAI\", or use another provider.")]
    [InlineData("\"Api\": \"OpenAI\"", ", \"Api\": \"Anthropic\"", "Bulwark:Providers:primary:Api: the provider speaks OpenAI, but route Bulwark:Routes:0 ('/api/{**rest}') speaks Anthropic; only an OpenAI route's chat completions are translated (to an Anthropic provider). Give the route \"Api\": \"OpenAI\", or use another provider.")]
    [InlineData("\"Api\": \"Http\"", ", \"Api\": \"OpenAI\"", "Bulwark:Providers:primary:Api: 'Http' is not an API a provider can speak apart from its routes; use OpenAI or Anthropic, or remove it to speak its routes' API.")]
    [InlineData("\"DefaultMaxTokens\": 100", ", \"Api\": \"OpenAI\"", "Bulwark:Providers:primary:DefaultMaxTokens: only a provider whose Api is Anthropic is sent a default max_tokens; set \"Api\": \"Anthropic\" or remove it.")]
    [InlineData("\"Api\": \"Anthropic\", \"DefaultMaxTokens\": 0", ", \"Api\": \"OpenAI\"", "Bulwark:Providers:primary:DefaultMaxTokens: 0 is out of range; allowed 1 to 1,000,000.")]
    [InlineData("\"Api\": \"Anthropic\", \"DefaultMaxTokens\": 1000001", ", \"Api\": \"OpenAI\"", "Bulwark:Providers:primary:DefaultMaxTokens: 1000001 is out of range; allowed 1 to 1,000,000.")]
    [InlineData("\"Api\": \"Anthropic\", \"DefaultMaxTokens\": 100", ", \"Api\": \"Anthropic\"", "Bulwark:Providers:primary:DefaultMaxTokens: no OpenAI route uses this provider, so no request is translated for it and nothing would use the setting; remove it.")]
    public void Load_ProviderApi_OnlyWhereItsRoutesCanReachIt(string providerSettings, string routeExtra, string expected)
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, routeExtra: routeExtra).Replace(
            "\"primary\":   { \"BaseUrl\"",
            "\"primary\":   { " + providerSettings + ", \"BaseUrl\"",
            StringComparison.Ordinal);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal([expected], error.Failures);
    }

    [Theory]
    [InlineData("\"Models\": { \"*\": \"llama\" }", "", "Models")]
    [InlineData("\"Api\": \"Anthropic\"", ", \"Api\": \"OpenAI\"", "Api: Anthropic")]
    public void Load_DeferralOnARouteWhoseProviderIsSentABodyOfItsOwn_IsRefused(string providerSettings, string routeExtra, string why)
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, routeExtra: routeExtra + ", \"OnFailure\": \"Defer\"").Replace(
            "\"primary\":   { \"BaseUrl\"",
            "\"primary\":   { " + providerSettings + ", \"BaseUrl\"",
            StringComparison.Ordinal);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal([$"Bulwark:Routes:0:OnFailure: a deferred request is delivered as it was sent, but provider 'primary' is sent a body of its own ({why}); deferral is not supported on such a route yet: use OnFailure Fail, or a route without it."], error.Failures);
    }

    [Theory]
    [InlineData("\"Api\": \"Anthropic\", \"DefaultMaxTokens\": 1000000", ", \"Api\": \"OpenAI\"")]
    [InlineData("\"Api\": \"Anthropic\"", ", \"Api\": \"Anthropic\"")]
    [InlineData("\"Api\": \"OpenAI\"", ", \"Api\": \"OpenAI\"")]
    public void Load_ProviderApi_ThatItsRoutesReach_IsAccepted(string providerSettings, string routeExtra)
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address, routeExtra: routeExtra).Replace(
            "\"primary\":   { \"BaseUrl\"",
            "\"primary\":   { " + providerSettings + ", \"BaseUrl\"",
            StringComparison.Ordinal);

        var loaded = GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false });

        Assert.NotNull(loaded.Options.Providers["primary"].Api);
    }

    [Theory]
    [InlineData("Content-Length", "'Content-Length' frames the message, which the gateway does for each request; a provider header must not set it.")]
    [InlineData("transfer-encoding", "'transfer-encoding' frames the message, which the gateway does for each request; a provider header must not set it.")]
    [InlineData("TE", "'TE' frames the message, which the gateway does for each request; a provider header must not set it.")]
    [InlineData("Trailer", "'Trailer' frames the message, which the gateway does for each request; a provider header must not set it.")]
    [InlineData("Host", "'Host' is set from the provider's BaseUrl; a provider header must not set it.")]
    [InlineData("Connection", "'Connection' is a hop-by-hop header, which applies to one connection and is never forwarded; a provider header must not set it.")]
    [InlineData("Keep-Alive", "'Keep-Alive' is a hop-by-hop header, which applies to one connection and is never forwarded; a provider header must not set it.")]
    [InlineData("Proxy-Connection", "'Proxy-Connection' is a hop-by-hop header, which applies to one connection and is never forwarded; a provider header must not set it.")]
    [InlineData("Upgrade", "'Upgrade' is a hop-by-hop header, which applies to one connection and is never forwarded; a provider header must not set it.")]
    [InlineData("X Api Key", "'X Api Key' is not a valid header name.")]
    public void Load_ProviderHeaderTheGatewayOwns_IsRefused_NamingTheHeaderAndWhy(string header, string why)
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address).Replace(
            "\"primary\":   { \"BaseUrl\": \"" + primary.Address.ToString().TrimEnd('/') + "\" }",
            "\"primary\":   { \"BaseUrl\": \"" + primary.Address.ToString().TrimEnd('/') + "\", \"Headers\": { \"" + header + "\": { \"Value\": \"5\" } } }",
            StringComparison.Ordinal);
        Assert.Contains("Headers", json, StringComparison.Ordinal);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal([$"Bulwark:Providers:primary:Headers:{header}: {why}"], error.Failures);
    }

    [Fact]
    public void Load_ProviderPseudoHeader_IsRefusedOnce_AsTheEmptyNameItReadsAs()
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address).Replace(
            "\"primary\":   { \"BaseUrl\": \"" + primary.Address.ToString().TrimEnd('/') + "\" }",
            "\"primary\":   { \"BaseUrl\": \"" + primary.Address.ToString().TrimEnd('/') + "\", \"Headers\": { \":authority\": { \"Value\": \"evil\" } } }",
            StringComparison.Ordinal);

        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false }));

        Assert.Equal(
            ["Bulwark:Providers:primary:Headers:: the header name is empty (a name starting with ':', as a pseudo-header's does, reads as an empty one); pseudo-headers are written by the HTTP stack only."],
            error.Failures);
    }

    [Fact]
    public void Load_ProviderHeaderOfItsOwn_IsAccepted()
    {
        using var primary = ClosedPort.Open();
        string json = Configs.TwoProviders(primary.Address, primary.Address).Replace(
            "\"primary\":   { \"BaseUrl\": \"" + primary.Address.ToString().TrimEnd('/') + "\" }",
            "\"primary\":   { \"BaseUrl\": \"" + primary.Address.ToString().TrimEnd('/') + "\", \"Headers\": { \"X-Api-Key\": { \"Value\": \"5\" } } }",
            StringComparison.Ordinal);

        var loaded = GatewayConfiguration.Load(new GatewayHostSettings(null, json, []) { Environment = _ => null, EnvironmentOverrides = false });

        Assert.Equal("5", loaded.Options.Providers["primary"].Headers["X-Api-Key"].Value);
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
