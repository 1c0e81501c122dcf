namespace Bulwark.Gateway.Usage;

/// <summary>A model's prices per million tokens.</summary>
internal readonly record struct ModelPrice(decimal Input, decimal Output, decimal CachedInput)
{
    private const decimal PerMillion = 1_000_000m;

    /// <summary>
    /// The cost of <paramref name="usage"/>: input tokens not read from the cache at <see cref="Input"/>, cached ones at
    /// <see cref="CachedInput"/>, output at <see cref="Output"/>; <see langword="null"/> when no token count is known.
    /// </summary>
    public decimal? CostOf(in TokenUsage usage)
    {
        if (!usage.HasTokens)
        {
            return null;
        }

        long input = usage.TotalInput ?? 0;
        long cached = Math.Min(usage.CachedInput ?? 0, input);
        return (((input - cached) * Input) + (cached * CachedInput) + ((usage.Output ?? 0) * Output)) / PerMillion;
    }
}
