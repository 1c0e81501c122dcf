using Bulwark.CircuitBreaker;
using Bulwark.Deliveries;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Configuration.SectionValidators;
using Bulwark.Storage;
using Bulwark.Storage.Alerts;
using Bulwark.Storage.Budgets;
using Bulwark.Storage.Clients;
using Bulwark.Storage.Postgres;
using Bulwark.Storage.Sqlite;
using Bulwark.Storage.Usage;

namespace Bulwark.Gateway.Storage;

/// <summary>
/// The gateway's store, opened once at start-up — SQLite by default, PostgreSQL for several gateways, in-memory for tests —
/// or, when it failed to open and the gateway fails open, the reason it is missing: then breaker state is neither restored
/// nor saved, and every delivery operation throws <see cref="StoreUnavailableException"/> (a deferral is refused, never
/// acknowledged). The gateway's own data (client keys, usage ledger, budgets, alerts) is reached through the store
/// contracts, <see langword="null"/> where the store keeps none (in memory, or missing).
/// </summary>
internal sealed class GatewayStore : ICircuitBreakerStateStore, IDeliveryStore, IDisposable
{
    private readonly ICircuitBreakerStateStore? _breakers;
    private readonly IDeliveryStore? _deliveries;
    private int _failureLogged;
    private long _lastIntegrityCheckTicks;

    private GatewayStore(object? inner, string description, string? unavailableReason)
    {
        _breakers = inner as ICircuitBreakerStateStore;
        _deliveries = inner as IDeliveryStore;
        Sqlite = inner as SqliteBulwarkStore;
        Postgres = inner as PostgresBulwarkStore;
        ClientKeyStore = inner as IClientKeyStore;
        UsageStore = inner as IUsageLedgerStore;
        BudgetStore = inner as IBudgetStore;
        AlertStore = inner as IAlertStore;
        Kind = inner switch
        {
            SqliteBulwarkStore => "sqlite",
            PostgresBulwarkStore => "postgres",
            null => "none",
            _ => "in-memory",
        };
        Description = description;
        UnavailableReason = unavailableReason;
    }

    /// <summary>Gets the SQLite store, for what only it has (its file, integrity checks, rescue), or <see langword="null"/>.</summary>
    public SqliteBulwarkStore? Sqlite { get; }

    /// <summary>Gets the PostgreSQL store, or <see langword="null"/>.</summary>
    public PostgresBulwarkStore? Postgres { get; }

    /// <summary>Gets where client keys are kept, or <see langword="null"/> when the store keeps none (in memory, or missing).</summary>
    public IClientKeyStore? ClientKeyStore { get; }

    /// <summary>Gets where the usage ledger is kept, or <see langword="null"/>.</summary>
    public IUsageLedgerStore? UsageStore { get; }

    /// <summary>Gets where budgets and their leases are kept, or <see langword="null"/>.</summary>
    public IBudgetStore? BudgetStore { get; }

    /// <summary>Gets where alerts are kept, or <see langword="null"/>.</summary>
    public IAlertStore? AlertStore { get; }

    /// <summary>Gets which store it is: <c>sqlite</c>, <c>postgres</c>, <c>in-memory</c>, or <c>none</c> (failed to open, fail-open).</summary>
    public string Kind { get; }

    /// <summary>Gets whether the store is shared by several gateways (PostgreSQL).</summary>
    public bool IsShared => Postgres is not null;

    /// <summary>Gets why the store is missing (it failed to open and the gateway fails open), or <see langword="null"/>.</summary>
    public string? UnavailableReason { get; }

    public bool IsAvailable => UnavailableReason is null;

    public bool IsInMemory => _deliveries is InMemoryBulwarkStore;

    public string Description { get; }

    /// <summary>Opens the configured store.</summary>
    /// <param name="options">The validated storage options.</param>
    /// <param name="pathOverride">A SQLite file that replaces the configured one (the demo's), or <see langword="null"/>.</param>
    /// <param name="environment">Reads the environment variable that holds the PostgreSQL connection string.</param>
    /// <exception cref="StoreUnavailableException">It cannot be opened and <see cref="StoreFailureMode.FailClosed"/> applies.</exception>
    public static GatewayStore Open(GatewayStorageOptions options, string? pathOverride, Func<string, string?> environment)
    {
        if (options.Provider == GatewayStoreProvider.InMemory)
        {
            return new GatewayStore(new InMemoryBulwarkStore(), "in-memory (nothing survives a restart)", null);
        }

        try
        {
            if (options.Provider == GatewayStoreProvider.Postgres)
            {
                var postgres = PostgresBulwarkStore.Open(StorageValidator.PostgresOptions(options, StorageValidator.ResolveConnectionString(options, environment, [])));
                return new GatewayStore(postgres, $"PostgreSQL (schema {postgres.Schema})", null);
            }

            var store = SqliteBulwarkStore.Open(new SqliteStoreOptions
            {
                Path = pathOverride ?? options.SqlitePath,
                BusyTimeout = options.SqliteBusyTimeout,
                FlushEveryCommit = options.SqliteFlushEveryCommit,
                MaxSizeBytes = options.MaxSizeBytes ?? 0,
            });
            return new GatewayStore(store, $"SQLite ({store.FilePath})", null);
        }
        catch (StoreUnavailableException e) when (options.OnStoreFailure == StoreFailureMode.FailOpen)
        {
            return new GatewayStore(null, "unavailable", e.Message);
        }
    }

    /// <summary>
    /// Asks the store whether it answers now (for readiness and the store alert): <see langword="null"/> when it does, or
    /// there is nothing to ask; else why not. A SQLite store that fails this fails for good (see <see cref="Failure"/>); a
    /// PostgreSQL server that does not answer may answer the next time.
    /// </summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Sqlite is { } sqlite)
            {
                await sqlite.PingAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (Postgres is { } postgres)
            {
                await postgres.PingAsync(cancellationToken).ConfigureAwait(false);
            }

            return null;
        }
        catch (StoreUnavailableException e)
        {
            ReportFailure();
            return Failure?.Message ?? e.Message;
        }
    }

    public Task SaveBreakerStateAsync(string key, CircuitBreakerSnapshot snapshot, CancellationToken cancellationToken) =>
        _breakers is { } breakers ? Observe(breakers.SaveBreakerStateAsync(key, snapshot, cancellationToken)) : Task.CompletedTask;

    public Task<IReadOnlyDictionary<string, CircuitBreakerSnapshot>> LoadBreakerStatesAsync(CancellationToken cancellationToken) =>
        _breakers is { } breakers ? Observe(breakers.LoadBreakerStatesAsync(cancellationToken)) : Task.FromResult<IReadOnlyDictionary<string, CircuitBreakerSnapshot>>(new Dictionary<string, CircuitBreakerSnapshot>());

    /// <summary>Gets the last time a write was refused (full, read-only, locked), or <see langword="null"/>; readiness reports it.</summary>
    public DateTimeOffset? LastWriteFailure { get; private set; }

    /// <summary>Gets why the last write was refused, or <see langword="null"/>.</summary>
    public string? LastWriteFailureReason { get; private set; }

    /// <summary>Gets or sets the clock that dates write failures.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets where the store's failure (file lost or corrupt) is reported, once, when first seen.</summary>
    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>Gets or sets when the file's integrity was last checked and passed (by <see cref="StoreIntegrityMonitor"/>).</summary>
    public DateTimeOffset? LastIntegrityCheck
    {
        get => Interlocked.Read(ref _lastIntegrityCheckTicks) is var ticks and not 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
        set => Interlocked.Exchange(ref _lastIntegrityCheckTicks, value?.UtcTicks ?? 0);
    }

    /// <summary>Gets why the store stopped accepting anything while running (file deleted, replaced or corrupt), or <see langword="null"/>.</summary>
    public StoreUnavailableException? Failure => Sqlite?.Failure;

    public async Task<(DeliveryEntry Entry, bool Created)> EnqueueAsync(DeliveryEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            return await Deliveries.EnqueueAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            LastWriteFailure = TimeProvider.GetUtcNow();
            LastWriteFailureReason = e.Message;
            ReportFailure();
            throw;
        }
    }

    public Task<DeliveryEntry?> GetAsync(string id, CancellationToken cancellationToken) => Observe(Deliveries.GetAsync(id, cancellationToken));

    public Task<DeliveryEntry?> FindAsync(string queue, string idempotencyKey, CancellationToken cancellationToken) => Observe(Deliveries.FindAsync(queue, idempotencyKey, cancellationToken));

    public Task<IReadOnlyList<DeliveryEntry>> LeaseDueAsync(string owner, DateTimeOffset now, TimeSpan leaseDuration, int maxCount, CancellationToken cancellationToken) =>
        Observe(Deliveries.LeaseDueAsync(owner, now, leaseDuration, maxCount, cancellationToken));

    public Task<bool> CompleteAsync(string id, string owner, DeliveryCompletion completion, CancellationToken cancellationToken) =>
        Observe(Deliveries.CompleteAsync(id, owner, completion, cancellationToken));

    public Task MarkNotifiedAsync(string id, CancellationToken cancellationToken) => Observe(Deliveries.MarkNotifiedAsync(id, cancellationToken));

    public Task<IReadOnlyList<DeliveryEntry>> ListAsync(DeliveryState? state, int maxCount, CancellationToken cancellationToken) => Observe(Deliveries.ListAsync(state, maxCount, cancellationToken));

    public Task<IReadOnlyList<DeliveryEntry>> ListUnnotifiedAsync(int maxCount, CancellationToken cancellationToken) => Observe(Deliveries.ListUnnotifiedAsync(maxCount, cancellationToken));

    public Task<IReadOnlyList<DeliveryEntry>> ListStuckAsync(DateTimeOffset now, int maxCount, CancellationToken cancellationToken) => Observe(Deliveries.ListStuckAsync(now, maxCount, cancellationToken));

    public Task<int> ReleaseExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) => Observe(Deliveries.ReleaseExpiredLeasesAsync(now, cancellationToken));

    public Task<int> ReleaseLeasesOfAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken) => Observe(Deliveries.ReleaseLeasesOfAsync(owner, now, cancellationToken));

    public Task<bool> ReplayAsync(string id, DateTimeOffset now, TimeSpan timeToLive, CancellationToken cancellationToken) => Observe(Deliveries.ReplayAsync(id, now, timeToLive, cancellationToken));

    public Task<int> PurgeAsync(DeliveryState state, DateTimeOffset completedBefore, CancellationToken cancellationToken) => Observe(Deliveries.PurgeAsync(state, completedBefore, cancellationToken));

    public Task<IReadOnlyDictionary<DeliveryState, long>> CountAsync(CancellationToken cancellationToken) => Observe(Deliveries.CountAsync(cancellationToken));

    public void Dispose()
    {
        Sqlite?.Dispose();
        Postgres?.Dispose();
    }

    /// <summary>
    /// Logs the store's failure the first time any caller meets it: deferrals refused from then on, and why; then, as its
    /// own event once it is done, what became of the entries acknowledged before (the rescue runs in the background).
    /// </summary>
    public void ReportFailure()
    {
        if (Failure is { } failure && Sqlite is { } sqlite && Interlocked.Exchange(ref _failureLogged, 1) == 0)
        {
            StoreLog.StoreFailed(Logger, failure.Reason.ToString(), failure.Message);
            var logger = Logger;
            _ = sqlite.RescueCompletion.ContinueWith(
                static (rescue, state) =>
                {
                    if (rescue.IsCompletedSuccessfully && rescue.Result is { } outcome)
                    {
                        StoreLog.RescueOutcome((ILogger)state!, outcome);
                    }
                },
                logger,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    private async Task<T> Observe<T>(Task<T> operation)
    {
        try
        {
            return await operation.ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            ReportFailure();
            throw;
        }
    }

    private async Task Observe(Task operation)
    {
        try
        {
            await operation.ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            ReportFailure();
            throw;
        }
    }

    private IDeliveryStore Deliveries => _deliveries ?? throw new StoreUnavailableException($"The gateway runs without its store: {UnavailableReason}");
}
