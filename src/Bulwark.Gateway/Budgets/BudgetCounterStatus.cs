namespace Bulwark.Gateway.Budgets;

/// <summary>One counter of one budget as the status endpoints show it.</summary>
internal sealed record BudgetCounterStatus(
    BudgetDefinition Budget,
    string? Subject,
    long SpentTokens,
    long SpentCost,
    long ReservedTokens,
    long ReservedCost,
    int InFlight,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    BudgetLevel Level,
    bool Loading)
{
    /// <summary>The share of the limit spent: the larger of cost and tokens where both are limited.</summary>
    public static double UsedShare(BudgetDefinition budget, long tokens, long cost) => Math.Max(
        budget.TokenLimit is { } tokenLimit ? (double)tokens / tokenLimit : 0,
        budget.CostLimit is { } costLimit ? (double)cost / costLimit : 0);

    /// <summary>The level of a budget that has spent <paramref name="share"/> of its limit.</summary>
    public static BudgetLevel LevelOf(BudgetDefinition budget, double share) =>
        share >= 1 ? BudgetLevel.Exhausted : share >= budget.Critical ? BudgetLevel.Critical : share >= budget.Warning ? BudgetLevel.Warning : BudgetLevel.Ok;

    /// <summary>The level's name as the status endpoints and the <c>X-Bulwark-Budget</c> header say it.</summary>
    public static string LevelName(BudgetLevel level) => level switch
    {
        BudgetLevel.Ok => "OK",
        BudgetLevel.Warning => "WARNING",
        BudgetLevel.Critical => "CRITICAL",
        _ => "EXHAUSTED",
    };
}
