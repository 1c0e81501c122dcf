namespace Bulwark.Storage.Usage;

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

    /// <summary>Gets the model the client asked for, which budgets per model count by.</summary>
    /// <value>Defaults to <see langword="null"/>: none known.</value>
    public string? RequestModel { get; init; }

    /// <summary>Gets the user budgets count the request for: the identified client's (a key's owner, a trusted header's user), never one the request named itself.</summary>
    /// <value>Defaults to <see langword="null"/>: an unidentified client.</value>
    public string? BudgetUser { get; init; }

    /// <summary>Gets the team of the client's key when the request was made.</summary>
    /// <value>Defaults to <see langword="null"/>: no key, or a user from a trusted header.</value>
    public string? Team { get; init; }

    /// <summary>Gets the tier of the client's key when the request was made.</summary>
    /// <value>Defaults to <see langword="null"/>: no key, or a user from a trusted header.</value>
    public string? Tier { get; init; }

    /// <summary>Gets the tokens the request's budgets were charged: its usage, or its reservation when the usage was unknown.</summary>
    /// <value>Defaults to <see langword="null"/>: no budget counted the request.</value>
    public long? ChargedTokens { get; init; }

    /// <summary>Gets the cost the request's budgets were charged: its cost, or its reservation when the cost was unknown.</summary>
    /// <value>Defaults to <see langword="null"/>: no budget counted the request, or none counts cost.</value>
    public decimal? ChargedCost { get; init; }

    /// <summary>Gets the id of the budget lease this row settles: written with the row, the lease is deleted in the same transaction.</summary>
    /// <value>Defaults to <see langword="null"/>: the request held no lease.</value>
    public string? LeaseId { get; init; }

    /// <summary>Gets a value indicating whether the row was made from a lease the process left behind (it stopped with the request in flight), charged in full.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool Interrupted { get; init; }
}
