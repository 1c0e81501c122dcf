namespace Bulwark.Gateway.Configuration;

/// <summary>What a route does with a request a strict budget refuses.</summary>
public enum RouteBudgetAction
{
    /// <summary>Answers 429 <c>budget-exceeded</c> problem+json with <c>Retry-After</c> at the budget's reset. The default.</summary>
    Refuse = 0,

    /// <summary>Sends it to the route's <c>BudgetFallbackProviders</c> (a cheaper chain) when its reservation fits there; else refuses.</summary>
    Fallback = 1,
}
