namespace Bulwark.Gateway.Clients;

/// <summary>What checking a presented client key found.</summary>
internal enum ClientKeyCheck
{
    /// <summary>A valid key: the request goes on with its identity.</summary>
    Valid,

    /// <summary>No key was presented.</summary>
    Missing,

    /// <summary>Not a key this gateway issued (or not a key at all).</summary>
    Unknown,

    /// <summary>An issued key, revoked.</summary>
    Revoked,

    /// <summary>An issued key past its expiry.</summary>
    Expired,

    /// <summary>The store, where keys are kept, cannot be read now (and the key is not in memory).</summary>
    StoreUnavailable,
}
