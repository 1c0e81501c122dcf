namespace Bulwark.Gateway.Configuration;

/// <summary>
/// Budgets (<c>Bulwark:Budgets</c>): limits on what AI requests (routes with an <c>Api</c>) may spend, in cost and/or
/// tokens, per key, user, team, tier or for everyone; checked and reserved atomically before a request is sent.
/// </summary>
public sealed class GatewayBudgetsOptions
{
    /// <summary>Gets or sets the IANA (or Windows) time zone in which calendar days and months start.</summary>
    /// <value>Defaults to <c>UTC</c>. Must be a time zone this machine knows.</value>
    public string TimeZone { get; set; } = BudgetsConstants.DefaultTimeZone;

    /// <summary>
    /// Gets or sets the output cap reserved for, and sent to the provider with (<c>max_completion_tokens</c>), a budgeted
    /// request that sets none: without a cap, a request's cost has no bound to reserve.
    /// </summary>
    /// <value>Defaults to 4,096. Range 1 to 1,000,000.</value>
    public int DefaultMaxOutputTokens { get; set; } = BudgetsConstants.DefaultMaxOutputTokens;

    /// <summary>
    /// Gets or sets the tokens reserved per image (and per document page) in a prompt, for every model family, in place
    /// of each family's own bound. Read at start: a change needs a restart.
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>: per family (1,600; gpt-4o-mini 48,169; gpt-4.1-nano and gpt-5-nano 3,800;
    /// o4-mini 2,700; gpt-4.1-mini and gpt-5-mini 2,500). Range 1 to 1,000,000.
    /// </value>
    public int? ImageTokenBound { get; set; }

    /// <summary>Gets or sets the budgets, by case-insensitive name (letters, digits, <c>-</c>, <c>_</c>, <c>.</c>; up to 100).</summary>
    /// <value>Defaults to none. Budgets made with <c>PUT /admin/budgets/{name}</c> come on top (their names must differ).</value>
    public IDictionary<string, GatewayBudgetOptions> Items { get; set; } =
        new Dictionary<string, GatewayBudgetOptions>(StringComparer.OrdinalIgnoreCase);
}
