using System.Collections.Frozen;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Usage;

/// <summary>
/// A provider's prices by model. A model is priced by its exact name, else by a priced name it starts with followed by a
/// version of digits and dashes only: providers answer with a dated snapshot (<c>gpt-4o-mini-2024-07-18</c>,
/// <c>claude-sonnet-4-20250514</c>) of the model asked for — but <c>gpt-4o</c> does not price <c>gpt-4o-mini-2024-07-18</c>.
/// </summary>
internal sealed class ModelPrices
{
    public static readonly ModelPrices None = new(FrozenDictionary<string, ModelPrice>.Empty);

    private readonly FrozenDictionary<string, ModelPrice> _prices;
    private readonly string[] _byLengthDescending;

    private ModelPrices(FrozenDictionary<string, ModelPrice> prices)
    {
        _prices = prices;
        _byLengthDescending = [.. prices.Keys.OrderByDescending(static k => k.Length).ThenBy(static k => k, StringComparer.Ordinal)];
    }

    /// <summary>The prices of a provider's configuration (validated: each has an input and an output price).</summary>
    public static ModelPrices From(IDictionary<string, GatewayModelPriceOptions> configured)
    {
        if (configured.Count == 0)
        {
            return None;
        }

        var prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in configured)
        {
            decimal input = price.Input ?? 0;
            prices[model.Trim()] = new ModelPrice(input, price.Output ?? 0, price.CachedInput ?? input);
        }

        return new ModelPrices(prices.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Finds the price of <paramref name="model"/>; <see langword="null"/> when it has none.</summary>
    public ModelPrice? Find(string? model)
    {
        if (model is null || _prices.Count == 0)
        {
            return null;
        }

        if (_prices.TryGetValue(model, out var exact))
        {
            return exact;
        }

        foreach (var name in _byLengthDescending)
        {
            if (model.Length > name.Length + 1 && model[name.Length] == '-' && model.StartsWith(name, StringComparison.OrdinalIgnoreCase)
                && IsVersion(model.AsSpan(name.Length + 1)))
            {
                return _prices[name];
            }
        }

        return null;
    }

    private static bool IsVersion(ReadOnlySpan<char> suffix) => !suffix.ContainsAnyExcept("0123456789-");
}
