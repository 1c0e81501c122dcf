namespace Bulwark.Storage.Budgets;

/// <summary>
/// Where the gateway keeps what budgets need: a lease per budgeted request in flight, the spend the usage ledger holds,
/// and the budgets made through the admin API.
/// </summary>
/// <remarks>
/// A lease belongs to the store instance that added it. <see cref="RecoverBudgetLeasesAsync"/> charges only leases whose
/// instance has stopped, so several instances sharing one store never charge each other's requests in flight.
/// </remarks>
public interface IBudgetStore
{
    /// <summary>Stores the leases of budgeted requests about to be sent, in one transaction, as this instance's.</summary>
    /// <param name="leases">The leases; each id must be new.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the leases are stored (durable against the process stopping).</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task AddBudgetLeasesAsync(IReadOnlyList<BudgetLease> leases, CancellationToken cancellationToken);

    /// <summary>Deletes leases whose requests ended without a ledger row (refused, failed, deferred): nothing is charged for them.</summary>
    /// <param name="ids">The leases' ids.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the leases are gone.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task ReleaseBudgetLeasesAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Turns every lease left behind by a store instance that stopped (its process ended with the request in flight, so
    /// the provider may have served it) into a ledger row charged in full, in one transaction; leases of instances still
    /// running are left alone. Called by an instance at its start.
    /// </summary>
    /// <param name="now">When the rows are recorded.</param>
    /// <param name="cancellationToken">Cancels the recovery.</param>
    /// <returns>The leases recovered.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task<IReadOnlyList<BudgetLease>> RecoverBudgetLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Sums what the usage ledger's rows completed in [<paramref name="from"/>, <paramref name="to"/>) charged their
    /// budgets, by client (as budgets count it: the identified user, never one a request named itself), model and time
    /// bucket: what a budget's counters are rebuilt from.
    /// </summary>
    /// <param name="from">The start of the range (included).</param>
    /// <param name="to">The end of the range (excluded).</param>
    /// <param name="bucket">The width of a time bucket, from <paramref name="from"/>; 1 second or more.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>One sum per client, model and bucket with any row.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    Task<IReadOnlyList<BudgetSpend>> SumBudgetSpendAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan bucket, CancellationToken cancellationToken);

    /// <summary>Stores a budget made through the admin API, replacing one of the same name (names compare case-insensitively).</summary>
    /// <param name="budget">The budget.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when it is stored.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task SaveBudgetAsync(StoredBudget budget, CancellationToken cancellationToken);

    /// <summary>Deletes a budget made through the admin API.</summary>
    /// <param name="name">The budget's name (compared case-insensitively).</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be written.</exception>
    Task<bool> DeleteBudgetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Lists the budgets made through the admin API, by name.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The budgets.</returns>
    /// <exception cref="StoreUnavailableException">The store cannot be read.</exception>
    Task<IReadOnlyList<StoredBudget>> ListBudgetsAsync(CancellationToken cancellationToken);
}
