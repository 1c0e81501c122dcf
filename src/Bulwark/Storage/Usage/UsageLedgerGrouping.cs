namespace Bulwark.Storage.Usage;

/// <summary>What the ledger's sums are grouped by.</summary>
public enum UsageLedgerGrouping
{
    /// <summary>The gateway-issued client key id where the request carried one, else the client key hash.</summary>
    Client = 0,

    /// <summary>The end user.</summary>
    User = 1,

    /// <summary>The provider that answered.</summary>
    Provider = 2,

    /// <summary>The model.</summary>
    Model = 3,

    /// <summary>The route template.</summary>
    Route = 4,
}
