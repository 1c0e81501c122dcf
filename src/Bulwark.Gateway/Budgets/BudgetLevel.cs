namespace Bulwark.Gateway.Budgets;

/// <summary>How much of a budget's limit its period has spent, against its thresholds.</summary>
internal enum BudgetLevel
{
    /// <summary>Below the warning threshold.</summary>
    Ok = 0,

    /// <summary>At or above the warning threshold (default 80 %).</summary>
    Warning = 1,

    /// <summary>At or above the critical threshold (default 95 %).</summary>
    Critical = 2,

    /// <summary>The limit is spent (100 %).</summary>
    Exhausted = 3,
}
