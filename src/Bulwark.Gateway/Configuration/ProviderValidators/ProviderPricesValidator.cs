namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>A provider's <c>Prices</c>: each model named, with an input and an output price, every price within 0 to <see cref="UsageConstants.MaxPricePerMillionTokens"/>.</summary>
internal sealed class ProviderPricesValidator : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        foreach (var (model, price) in provider.Prices)
        {
            string pricePath = $"{path}:Prices:{model}";
            if (model.Trim().Length == 0)
            {
                errors.Add($"{path}:Prices: a model name must not be empty.");
                continue;
            }

            if (price is null)
            {
                errors.Add($"{pricePath}: set both Input and Output, each the price of one million tokens (0 for free).");
                continue;
            }

            if (price.Input is null || price.Output is null)
            {
                string missing = price.Input is null && price.Output is null ? "Input and Output" : price.Input is null ? "Input" : "Output";
                errors.Add($"{pricePath}: set both Input and Output, each the price of one million tokens (0 for free); {missing} missing.");
            }

            Check(price.Input, $"{pricePath}:Input", errors);
            Check(price.Output, $"{pricePath}:Output", errors);
            Check(price.CachedInput, $"{pricePath}:CachedInput", errors);
        }
    }

    private static void Check(decimal? value, string path, List<string> errors)
    {
        if (value is not { } price)
        {
            return;
        }

        if (price < 0 || price > UsageConstants.MaxPricePerMillionTokens)
        {
            errors.Add($"{path}: {price.ToString(System.Globalization.CultureInfo.InvariantCulture)} is out of range; a price per 1M tokens is 0 to {UsageConstants.MaxPricePerMillionTokens.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }
}
