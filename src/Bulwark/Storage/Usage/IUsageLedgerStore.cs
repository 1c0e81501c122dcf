namespace Bulwark.Storage.Usage;

/// <summary>
/// Where the gateway keeps its usage ledger: one row per completed AI request. Rows are only ever appended (and pruned by
/// age), so several instances that share the store append at once and every sum covers the rows of all of them.
/// </summary>
public interface IUsageLedgerStore
{
    /// <summary>
    /// Appends completed AI requests to the usage ledger, in one transaction; a row with a
    /// <see cref="UsageLedgerRow.LeaseId"/> deletes that budget lease in the same transaction.
    /// </summary>
    /// <param name="rows">The rows.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the rows are stored.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task AppendUsageAsync(IReadOnlyList<UsageLedgerRow> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the usage ledger's rows completed before <paramref name="before"/>, at most <paramref name="maxRows"/> of
    /// them in one transaction (the oldest first), so that a large backlog is pruned in steps that never hold the store
    /// for long.
    /// </summary>
    /// <param name="before">Rows completed before this time are deleted.</param>
    /// <param name="maxRows">The most rows deleted by this call; 1 to 1,000,000.</param>
    /// <param name="cancellationToken">Cancels the deletion.</param>
    /// <returns>The number of rows deleted: fewer than <paramref name="maxRows"/> when no older row is left.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task<int> PruneUsageAsync(DateTimeOffset before, int maxRows, CancellationToken cancellationToken);

    /// <summary>Sums the usage ledger's rows completed in [<paramref name="from"/>, <paramref name="to"/>), by <paramref name="groupBy"/>, largest cost first.</summary>
    /// <param name="from">The start of the range (included).</param>
    /// <param name="to">The end of the range (excluded).</param>
    /// <param name="groupBy">What the sums are grouped by.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One total per group.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    Task<IReadOnlyList<UsageLedgerTotal>> QueryUsageAsync(DateTimeOffset from, DateTimeOffset to, UsageLedgerGrouping groupBy, CancellationToken cancellationToken);
}
