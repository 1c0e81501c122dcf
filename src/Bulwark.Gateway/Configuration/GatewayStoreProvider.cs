namespace Bulwark.Gateway.Configuration;

/// <summary>Which store keeps the gateway's durable state.</summary>
public enum GatewayStoreProvider
{
    /// <summary>An embedded SQLite file: the default.</summary>
    Sqlite = 0,

    /// <summary>Process memory: for tests and development; nothing survives a restart, and production checks refuse it.</summary>
    InMemory = 1,
}
