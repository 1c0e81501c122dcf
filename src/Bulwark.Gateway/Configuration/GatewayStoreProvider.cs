namespace Bulwark.Gateway.Configuration;

/// <summary>Which store keeps the gateway's durable state.</summary>
public enum GatewayStoreProvider
{
    /// <summary>An embedded SQLite file: the default.</summary>
    Sqlite = 0,

    /// <summary>Process memory: for tests and development; nothing survives a restart, and production checks refuse it.</summary>
    InMemory = 1,

    /// <summary>
    /// A PostgreSQL database shared by several gateways: deferred deliveries drained once across them, client keys, the usage
    /// ledger, budgets and alerts seen by all. The SQLite-only settings (Path, BusyTimeout, FlushEveryCommit, MaxSizeBytes,
    /// IntegrityCheckInterval) are refused with it.
    /// </summary>
    Postgres = 2,
}
