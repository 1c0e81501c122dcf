namespace Bulwark.Gateway.Configuration;

/// <summary>
/// The gateway's store (<c>Bulwark:Storage</c>): circuit breaker state across restarts, deferred deliveries, client keys,
/// the usage ledger, budgets and alerts. SQLite settings are refused with PostgreSQL and the other way round.
/// </summary>
public sealed class GatewayStorageOptions
{
    /// <summary>The SQLite file when <see cref="Path"/> is not set.</summary>
    internal const string DefaultPath = Bulwark.Storage.Sqlite.SqliteStoreConstants.DefaultPath;

    /// <summary>Gets the SQLite file in force.</summary>
    internal string SqlitePath => Path ?? DefaultPath;

    /// <summary>Gets the SQLite busy timeout in force.</summary>
    internal TimeSpan SqliteBusyTimeout => BusyTimeout ?? TimeSpan.FromSeconds(5);

    /// <summary>Gets whether SQLite flushes every commit.</summary>
    internal bool SqliteFlushEveryCommit => FlushEveryCommit ?? true;

    /// <summary>Gets how often the SQLite file's integrity is checked.</summary>
    internal TimeSpan SqliteIntegrityCheckInterval => IntegrityCheckInterval ?? TimeSpan.FromMinutes(1);

    /// <summary>Gets the PostgreSQL command timeout in force.</summary>
    internal TimeSpan PostgresCommandTimeout => CommandTimeout ?? TimeSpan.FromSeconds(5);

    /// <summary>Gets how long a store operation may wait before it fails, whichever the store.</summary>
    internal TimeSpan OperationTimeout => Provider == GatewayStoreProvider.Postgres ? PostgresCommandTimeout : SqliteBusyTimeout;

    /// <summary>Gets or sets the store.</summary>
    /// <value>Defaults to <see cref="GatewayStoreProvider.Sqlite"/>.</value>
    public GatewayStoreProvider Provider { get; set; } = GatewayStoreProvider.Sqlite;

    /// <summary>Gets or sets the SQLite file; created with its directory when missing. SQLite only.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>data/bulwark.db</c>, relative to the working directory.</value>
    public string? Path { get; set; }

    /// <summary>Gets or sets how long a store operation waits for a lock held elsewhere before it fails. SQLite only (PostgreSQL: <see cref="CommandTimeout"/>).</summary>
    /// <value>Defaults to <see langword="null"/>: 5 seconds. Range 0 to 5 minutes.</value>
    public TimeSpan? BusyTimeout { get; set; }

    /// <summary>Gets or sets whether every commit reaches the disk before a deferral is acknowledged (SQLite <c>synchronous=FULL</c>). SQLite only (PostgreSQL: the server's own <c>synchronous_commit</c>).</summary>
    /// <value>Defaults to <see langword="null"/>: <see langword="true"/>, an acknowledged deferral survives a power cut.</value>
    public bool? FlushEveryCommit { get; set; }

    /// <summary>Gets or sets the largest size of the SQLite file; beyond it deferrals are refused with 503. 0 is no limit but the disk's. SQLite only.</summary>
    /// <value>Defaults to <see langword="null"/>: 0. Range 0, or 65,536 to 2^40.</value>
    public long? MaxSizeBytes { get; set; }

    /// <summary>Gets or sets how often the SQLite file's integrity is checked (quick_check, in the background): a file that fails stops taking deferrals and readiness reports it. SQLite only.</summary>
    /// <value>Defaults to <see langword="null"/>: 1 minute. Range 100 ms to 1 day.</value>
    public TimeSpan? IntegrityCheckInterval { get; set; }

    /// <summary>
    /// Gets or sets the Npgsql connection string of the PostgreSQL store (<c>Host=db;Database=bulwark;Username=bulwark</c>),
    /// when it holds no password. PostgreSQL only; exactly one of this and <see cref="ConnectionStringFromEnvironment"/>.
    /// Never logged nor shown; <c>check-config --production</c> flags one that holds a password.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the environment variable that holds the PostgreSQL connection string (with its password); read at start. PostgreSQL only.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? ConnectionStringFromEnvironment { get; set; }

    /// <summary>Gets or sets the PostgreSQL schema the gateway's tables live in (created when missing): gateways that share state use the same one. PostgreSQL only.</summary>
    /// <value>Defaults to <see langword="null"/>: <c>bulwark</c>. 1 to 63 ASCII letters, digits or <c>_</c>, not starting with a digit.</value>
    public string? Schema { get; set; }

    /// <summary>
    /// Gets or sets how long connecting to PostgreSQL, and then each command, may take before it fails (a deferral is then
    /// refused with 503, never acknowledged): an unreachable server never holds a request longer. PostgreSQL only.
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: 5 seconds. Range 1 second to 5 minutes, whole seconds.</value>
    public TimeSpan? CommandTimeout { get; set; }

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
