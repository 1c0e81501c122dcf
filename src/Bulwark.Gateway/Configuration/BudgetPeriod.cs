namespace Bulwark.Gateway.Configuration;

/// <summary>When a budget's spend starts again from zero.</summary>
public enum BudgetPeriod
{
    /// <summary>A calendar month in <c>Bulwark:Budgets:TimeZone</c>. The default.</summary>
    Month = 0,

    /// <summary>A calendar day in <c>Bulwark:Budgets:TimeZone</c>.</summary>
    Day = 1,

    /// <summary>A rolling window (<c>Window</c>) ending now: spend leaves it as it ages, in 60 steps of the window.</summary>
    Rolling = 2,
}
