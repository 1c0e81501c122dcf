namespace Bulwark.Storage.Redis.Budgets;

/// <summary>An amount counted against a budget: tokens and cost (in the caller's unit, for example billionths of a dollar).</summary>
/// <param name="Tokens">The tokens; 0 to 2⁵⁰ (larger amounts are counted as 2⁵⁰, more than any budget holds).</param>
/// <param name="Cost">The cost; 0 to 2⁵⁰ (likewise).</param>
public readonly record struct RedisBudgetAmount(long Tokens, long Cost);
