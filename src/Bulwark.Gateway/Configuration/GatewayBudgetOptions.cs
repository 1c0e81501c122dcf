namespace Bulwark.Gateway.Configuration;

/// <summary>
/// One budget (<c>Bulwark:Budgets:Items:{name}</c>): which requests it counts (the filters, all of which must match),
/// whose spend each of its counters holds (<see cref="Per"/>), over which period, and its limits.
/// </summary>
public sealed class GatewayBudgetOptions
{
    /// <summary>Gets or sets whose spend a counter holds: one counter for all, or one per key, user, team or tier.</summary>
    /// <value>Defaults to <see cref="BudgetScope.Global"/>.</value>
    public BudgetScope Per { get; set; }

    /// <summary>Gets or sets the client key id the budget is limited to.</summary>
    /// <value>Defaults to <see langword="null"/>: any.</value>
    public string? Key { get; set; }

    /// <summary>Gets or sets the user the budget is limited to.</summary>
    /// <value>Defaults to <see langword="null"/>: any.</value>
    public string? User { get; set; }

    /// <summary>Gets or sets the team the budget is limited to.</summary>
    /// <value>Defaults to <see langword="null"/>: any.</value>
    public string? Team { get; set; }

    /// <summary>Gets or sets the tier the budget is limited to (for example <c>free</c>).</summary>
    /// <value>Defaults to <see langword="null"/>: any.</value>
    public string? Tier { get; set; }

    /// <summary>Gets or sets the model (as the client asks for it; a trailing <c>*</c> matches a prefix) the budget is limited to.</summary>
    /// <value>Defaults to <see langword="null"/>: any.</value>
    public string? Model { get; set; }

    /// <summary>Gets or sets the period after which spend starts again from zero.</summary>
    /// <value>Defaults to <see cref="BudgetPeriod.Month"/>.</value>
    public BudgetPeriod Period { get; set; }

    /// <summary>Gets or sets the rolling window's length; required with <see cref="BudgetPeriod.Rolling"/>, refused otherwise.</summary>
    /// <value>Defaults to <see langword="null"/>. Range 1 minute to 90 days, and no longer than <c>Storage:UsageRetention</c>.</value>
    public TimeSpan? Window { get; set; }

    /// <summary>Gets or sets the most a period may cost, in the currency of the providers' <c>Prices</c>.</summary>
    /// <value>Defaults to <see langword="null"/>: cost is not limited. Greater than 0; at least one of <see cref="Cost"/> and <see cref="Tokens"/> is set.</value>
    public decimal? Cost { get; set; }

    /// <summary>Gets or sets the most tokens (input plus output) a period may use.</summary>
    /// <value>Defaults to <see langword="null"/>: tokens are not limited. Greater than 0.</value>
    public long? Tokens { get; set; }

    /// <summary>Gets or sets what the budget does with a request that does not fit.</summary>
    /// <value>Defaults to <see cref="BudgetMode.Strict"/>.</value>
    public BudgetMode Mode { get; set; }

    /// <summary>Gets or sets the share of the limit spent from which the budget's status is WARNING.</summary>
    /// <value>Defaults to 0.80. Range above 0, below <see cref="Critical"/>.</value>
    public double Warning { get; set; } = BudgetsConstants.DefaultWarning;

    /// <summary>Gets or sets the share of the limit spent from which the budget's status is CRITICAL (EXHAUSTED at 1).</summary>
    /// <value>Defaults to 0.95. Range above <see cref="Warning"/>, below 1.</value>
    public double Critical { get; set; } = BudgetsConstants.DefaultCritical;
}
