namespace Bulwark.Storage.Sqlite.Usage;

/// <summary>One completed AI request in the usage ledger.</summary>
/// <param name="Time">When the request completed.</param>
/// <param name="ClientKeyHash">A hash of the client's API key, or <see langword="null"/> when it sent none (never the key itself).</param>
/// <param name="User">The end user the client named, or <see langword="null"/>.</param>
/// <param name="Route">The route template.</param>
/// <param name="Provider">The provider that answered, or <see langword="null"/> when none did.</param>
/// <param name="Model">The model that answered (else the one asked for), or <see langword="null"/>.</param>
/// <param name="InputTokens">Input tokens, cached ones included; <see langword="null"/> when unknown.</param>
/// <param name="CachedInputTokens">Cached input tokens; <see langword="null"/> when not reported.</param>
/// <param name="OutputTokens">Output tokens; <see langword="null"/> when unknown.</param>
/// <param name="Cost">The cost at the configured prices; <see langword="null"/> when unknown.</param>
/// <param name="Status">The HTTP status the client got.</param>
public sealed record UsageLedgerRow(
    DateTimeOffset Time,
    string? ClientKeyHash,
    string? User,
    string Route,
    string? Provider,
    string? Model,
    long? InputTokens,
    long? CachedInputTokens,
    long? OutputTokens,
    decimal? Cost,
    int Status)
{
    /// <summary>Gets the id of the gateway-issued client key the request carried, or <see langword="null"/> when it carried none.</summary>
    /// <value>Defaults to <see langword="null"/>. Grouping by client groups by this id where set, else by <see cref="ClientKeyHash"/>.</value>
    public string? ClientKeyId { get; init; }
}
