namespace Bulwark.Storage.Sqlite;

/// <summary>Settings of the SQLite store, bound from <c>Bulwark:Storage</c>.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>Gets or sets the database file. Created, with its directory, when missing.</summary>
    /// <value>Defaults to <c>data/bulwark.db</c>, relative to the working directory.</value>
    public string Path { get; set; } = SqliteStoreConstants.DefaultPath;

    /// <summary>
    /// Gets or sets how long an operation waits for a lock held by another connection or process before it fails. The
    /// driver's own retry works in whole seconds, so a wait shorter than a second (0 included) lasts about one second.
    /// </summary>
    /// <value>Defaults to 5 seconds. Range 0 to 5 minutes.</value>
    public TimeSpan BusyTimeout { get; set; } = SqliteStoreConstants.DefaultBusyTimeout;

    /// <summary>
    /// Gets or sets whether every commit is flushed to disk before it is acknowledged (<see langword="true"/>:
    /// <c>synchronous=FULL</c>, an acknowledged write survives a power cut) or only at checkpoints (<see langword="false"/>:
    /// <c>synchronous=NORMAL</c>, survives a crash of the process but maybe not of the machine).
    /// </summary>
    /// <value>Defaults to <see langword="true"/>.</value>
    public bool FlushEveryCommit { get; set; } = true;

    /// <summary>
    /// Gets or sets the largest size the database may grow to; a write beyond it fails as "full" and, for a deferral, the
    /// request is refused with 503 rather than acknowledged. 0 is no limit but the disk's.
    /// </summary>
    /// <value>Defaults to 0. Range 0, or 64 KiB to 1 TiB.</value>
    public long MaxSizeBytes { get; set; }

    /// <summary>Gets or sets the clock that dates rescued copies and spaces integrity checks.</summary>
    internal TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
