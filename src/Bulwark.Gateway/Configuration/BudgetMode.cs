namespace Bulwark.Gateway.Configuration;

/// <summary>What a budget does with a request whose reservation does not fit in what remains.</summary>
public enum BudgetMode
{
    /// <summary>Refuses it (429 <c>budget-exceeded</c>, or the route's budget fallback). The default.</summary>
    Strict = 0,

    /// <summary>Serves it, and says so: a warning log, the <c>X-Bulwark-Budget</c> header and the exceeded-budget metric.</summary>
    Advisory = 1,

    /// <summary>Neither counts nor checks anything.</summary>
    Disabled = 2,
}
