namespace Bulwark.Gateway.Configuration;

/// <summary>The gateway's store (<c>Bulwark:Storage</c>): circuit breaker state across restarts and deferred deliveries.</summary>
public sealed class GatewayStorageOptions
{
    /// <summary>Gets or sets the store.</summary>
    /// <value>Defaults to <see cref="GatewayStoreProvider.Sqlite"/>.</value>
    public GatewayStoreProvider Provider { get; set; } = GatewayStoreProvider.Sqlite;

    /// <summary>Gets or sets the SQLite file; created with its directory when missing.</summary>
    /// <value>Defaults to <c>data/bulwark.db</c>, relative to the working directory.</value>
    public string Path { get; set; } = Bulwark.Storage.Sqlite.SqliteStoreConstants.DefaultPath;

    /// <summary>Gets or sets how long a store operation waits for a lock held elsewhere before it fails.</summary>
    /// <value>Defaults to 5 seconds. Range 0 to 5 minutes.</value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets whether every commit reaches the disk before a deferral is acknowledged (SQLite <c>synchronous=FULL</c>).</summary>
    /// <value>Defaults to <see langword="true"/>: an acknowledged deferral survives a power cut.</value>
    public bool FlushEveryCommit { get; set; } = true;

    /// <summary>Gets or sets the largest size of the SQLite file; beyond it deferrals are refused with 503. 0 is no limit but the disk's.</summary>
    /// <value>Defaults to 0. Range 0, or 65,536 to 2^40.</value>
    public long MaxSizeBytes { get; set; }

    /// <summary>Gets or sets how often the SQLite file's integrity is checked (quick_check, in the background): a file that fails stops taking deferrals and readiness reports it.</summary>
    /// <value>Defaults to 1 minute. Range 100 ms to 1 day.</value>
    public TimeSpan IntegrityCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long the usage ledger keeps a row: older rows are deleted at start and then once an hour, in steps
    /// of at most 10,000 rows.
    /// </summary>
    /// <value>Defaults to 90 days. Range 1 hour to 3,650 days.</value>
    public TimeSpan UsageRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Gets or sets what happens when the store cannot be opened at start-up.</summary>
    /// <value>Defaults to <see cref="StoreFailureMode.FailClosed"/>: the gateway does not start.</value>
    public StoreFailureMode OnStoreFailure { get; set; } = StoreFailureMode.FailClosed;
}
