namespace Bulwark.Gateway.Budgets;

/// <summary>A budget counter that reached a higher level with a request's spend.</summary>
/// <param name="Budget">The budget's name.</param>
/// <param name="Subject">Whose counter (key id, user, team, tier), or <see langword="null"/> for a global budget.</param>
/// <param name="From">The level before.</param>
/// <param name="To">The level now.</param>
internal sealed record BudgetLevelChange(string Budget, string? Subject, BudgetLevel From, BudgetLevel To);
