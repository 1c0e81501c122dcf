using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Usage;

namespace Bulwark.Gateway.Tests.Usage;

public class ModelPricesTests
{
    private static readonly ModelPrices Prices = ModelPrices.From(new Dictionary<string, GatewayModelPriceOptions>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o"] = new() { Input = 2.50m, Output = 10m },
        ["gpt-4o-mini"] = new() { Input = 0.15m, Output = 0.60m, CachedInput = 0.075m },
    });

    [Theory]
    [InlineData("gpt-4o-mini", 0.15)]
    [InlineData("gpt-4o-mini-2024-07-18", 0.15)]
    [InlineData("GPT-4o-2024-08-06", 2.50)]
    public void Find_ExactName_OrAPricedNameFollowedByADatedVersion(string model, double input)
    {
        Assert.Equal((decimal)input, Prices.Find(model)?.Input);
    }

    [Theory]
    [InlineData("gpt-4o-minimal")]
    [InlineData("gpt-4o-realtime-preview")]
    [InlineData("gpt-4")]
    [InlineData(null)]
    public void Find_NoPricedName_IsNull(string? model)
    {
        Assert.Null(Prices.Find(model));
    }

    [Fact]
    public void CostOf_CachedInputAtItsPrice_TheRestAtInput_OutputAtOutput_Decimal()
    {
        var usage = new TokenUsage { Input = 1200, CachedDetail = 200, Output = 300 };

        decimal? cost = Prices.Find("gpt-4o-mini")!.Value.CostOf(usage);

        // (1000 × 0.15 + 200 × 0.075 + 300 × 0.60) / 1e6, exactly.
        Assert.Equal(0.000345m, cost);
    }

    [Fact]
    public void CachedInput_NotConfigured_IsPricedAsInput()
    {
        var usage = new TokenUsage { Input = 1_000_000, CachedDetail = 1_000_000, Output = 0 };

        Assert.Equal(2.50m, Prices.Find("gpt-4o")!.Value.CostOf(usage));
    }

    [Fact]
    public void CostOf_NoTokens_IsUnknown()
    {
        Assert.Null(Prices.Find("gpt-4o")!.Value.CostOf(new TokenUsage { Model = "gpt-4o" }));
    }
}
