namespace Bulwark.Gateway.Configuration;

/// <summary>Whose spend one budget counter counts: a budget keeps one counter per distinct value of its scope.</summary>
public enum BudgetScope
{
    /// <summary>One counter for every request the budget matches. The default.</summary>
    Global = 0,

    /// <summary>One counter per gateway-issued client key (requests without a key are not counted by it).</summary>
    Key = 1,

    /// <summary>One counter per user: a key's owner, or the trusted header's user (requests without either are not counted by it).</summary>
    User = 2,

    /// <summary>One counter per team of the client's key.</summary>
    Team = 3,

    /// <summary>One counter per tier of the client's key (for example all of <c>free</c> together).</summary>
    Tier = 4,
}
