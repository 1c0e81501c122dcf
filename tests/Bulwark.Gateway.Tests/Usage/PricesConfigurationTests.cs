using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Usage;

public class PricesConfigurationTests
{
    private static string Config(string prices) => $$"""
        {
          "Bulwark": {
            "Providers": { "openai": { "BaseUrl": "http://127.0.0.1:9", "Prices": {{prices}} } },
            "Routes": [ { "Path": "/v1/{**rest}", "Providers": [ "openai" ], "Api": "OpenAI" } ]
          }
        }
        """;

    [Fact]
    public void Prices_NegativeHugeOrMissing_AreRefusedTogether_WithTheirPaths()
    {
        var errors = Errors(Config("""
            {
              "gpt-4o-mini": { "Input": -0.15, "Output": 0.60 },
              "gpt-4o": { "Input": 2.5, "Output": 1000000, "CachedInput": -1 },
              "o1": { "Input": 15 }
            }
            """));

        Assert.Equal(
        [
            "Bulwark:Providers:openai:Prices:gpt-4o-mini:Input: -0.15 is out of range; a price per 1M tokens is 0 to 100000.",
            "Bulwark:Providers:openai:Prices:gpt-4o:CachedInput: -1 is out of range; a price per 1M tokens is 0 to 100000.",
            "Bulwark:Providers:openai:Prices:gpt-4o:Output: 1000000 is out of range; a price per 1M tokens is 0 to 100000.",
            "Bulwark:Providers:openai:Prices:o1: set both Input and Output, each the price of one million tokens (0 for free); Output missing.",
        ], errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Prices_Valid_AreLoadedAsDecimals()
    {
        var loaded = GatewayConfiguration.Load(OptionWalkTests.Settings(Config("""{ "gpt-4o-mini": { "Input": 0.15, "Output": 0.60, "CachedInput": 0.075 } }""")));

        var price = loaded.Options.Providers["openai"].Prices["gpt-4o-mini"];
        Assert.Equal(0.15m, price.Input);
        Assert.Equal(0.60m, price.Output);
        Assert.Equal(0.075m, price.CachedInput);
    }

    private static string[] Errors(string json)
    {
        var e = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(OptionWalkTests.Settings(json)));
        return [.. e.Failures];
    }
}
