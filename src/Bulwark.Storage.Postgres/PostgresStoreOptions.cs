namespace Bulwark.Storage.Postgres;

/// <summary>Settings of the PostgreSQL store.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>
    /// Gets or sets the Npgsql connection string (<c>Host=...;Port=...;Database=...;Username=...;Password=...</c>). It may
    /// hold a password: it is never logged nor put in an exception's message. Its <c>Timeout</c>, <c>Command Timeout</c>
    /// and <c>Search Path</c> are replaced by <see cref="CommandTimeout"/> and <see cref="Schema"/>.
    /// </summary>
    /// <value>Required.</value>
    public string? ConnectionString { get; set; }

    /// <summary>Gets or sets the schema the store's tables live in; created when missing.</summary>
    /// <value>Defaults to <c>bulwark</c>. 1 to 63 characters: ASCII letters, digits and <c>_</c>, not starting with a digit.</value>
    public string Schema { get; set; } = PostgresStoreConstants.DefaultSchema;

    /// <summary>
    /// Gets or sets how long connecting, and then each command, may take before it fails with
    /// <see cref="StoreUnavailableException"/> (a deferral is then refused rather than acknowledged): an unreachable
    /// server never hangs a request longer than this. Rounded up to whole seconds (Npgsql's unit).
    /// </summary>
    /// <value>Defaults to 5 seconds. Range 1 second to 5 minutes.</value>
    public TimeSpan CommandTimeout { get; set; } = PostgresStoreConstants.DefaultCommandTimeout;
}
