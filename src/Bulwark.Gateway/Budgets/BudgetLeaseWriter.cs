using System.Threading.Channels;
using Bulwark.Gateway.Storage;
using Bulwark.Storage.Budgets;

namespace Bulwark.Gateway.Budgets;

/// <summary>
/// Stores budget leases before their requests are sent, committing the leases of concurrent requests together (one
/// transaction for all that queued while the previous one was written): a request waits for one commit, not for the
/// commits of all before it.
/// </summary>
internal sealed partial class BudgetLeaseWriter : BackgroundService
{
    private const int MaxBatch = 500;

    private readonly GatewayStore _store;
    private readonly ILogger<BudgetLeaseWriter> _logger;
    private readonly Channel<(BudgetLease Lease, TaskCompletionSource Stored)> _queue =
        Channel.CreateUnbounded<(BudgetLease, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Channel<string> _released = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public BudgetLeaseWriter(GatewayStore store, ILogger<BudgetLeaseWriter> logger)
    {
        _store = store;
        _logger = logger;
    }

    /// <summary>Stores <paramref name="lease"/>; completes when it is committed.</summary>
    /// <exception cref="Bulwark.Storage.StoreUnavailableException">The store refused it: the request must not be sent.</exception>
    public Task StoreAsync(BudgetLease lease)
    {
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite((lease, stored)))
        {
            stored.SetException(new InvalidOperationException("The gateway is stopping; the budget lease was not stored."));
        }

        return stored.Task;
    }

    /// <summary>
    /// Queues the deletion of a lease whose request will have no ledger row (refused after its lease was stored, or
    /// deferred); never waits. Deletions queued before the gateway stops are made before it stops.
    /// </summary>
    public void Release(string leaseId) => _released.Writer.TryWrite(leaseId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.WhenAll(WriteLoopAsync(stoppingToken), ReleaseLoopAsync(stoppingToken)).ConfigureAwait(false);

        // Stopping: no lease is taken any more (a request still asking is refused, not sent), and the deletions queued so
        // far are made, so that no refused or deferred request is charged in full at the next start.
        _queue.Writer.TryComplete();
        var stopping = new InvalidOperationException("The gateway is stopping; the budget lease was not stored.");
        while (_queue.Reader.TryRead(out var item))
        {
            item.Stored.TrySetException(stopping);
        }

        _released.Writer.TryComplete();
        var ids = new List<string>();
        while (true)
        {
            ids.Clear();
            while (ids.Count < MaxBatch && _released.Reader.TryRead(out string? id))
            {
                ids.Add(id);
            }

            if (ids.Count == 0)
            {
                return;
            }

            await ReleaseBatchAsync(ids).ConfigureAwait(false);
        }
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        var batch = new List<(BudgetLease Lease, TaskCompletionSource Stored)>(MaxBatch);
        var leases = new List<BudgetLease>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                leases.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                    leases.Add(item.Lease);
                }

                try
                {
                    if (_store.BudgetStore is not { } budgetStore)
                    {
                        throw new Bulwark.Storage.StoreUnavailableException("the gateway runs without a store that keeps budget leases");
                    }

                    // Not cut by the stop: requests wait for it.
                    await budgetStore.AddBudgetLeasesAsync(leases, CancellationToken.None).ConfigureAwait(false);
                    foreach (var (_, stored) in batch)
                    {
                        stored.TrySetResult();
                    }
                }
#pragma warning disable CA1031 // Each waiting request gets the failure and is refused; the loop goes on.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    Log.LeasesRefused(_logger, batch.Count, e.Message);
                    foreach (var (_, stored) in batch)
                    {
                        stored.TrySetException(e);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReleaseLoopAsync(CancellationToken stoppingToken)
    {
        var ids = new List<string>();
        try
        {
            while (await _released.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                ids.Clear();
                while (ids.Count < MaxBatch && _released.Reader.TryRead(out string? id))
                {
                    ids.Add(id);
                }

                await ReleaseBatchAsync(ids).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReleaseBatchAsync(List<string> ids)
    {
        try
        {
            await (_store.BudgetStore?.ReleaseBudgetLeasesAsync(ids, CancellationToken.None) ?? Task.CompletedTask).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A lease left behind is charged in full at the next start: conservative, and said.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.ReleaseFailed(_logger, ids.Count, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BudgetLeasesRefused, Level = LogLevel.Error, Message = "{Count} budget lease(s) could not be stored ({Reason}); their requests were refused, not sent")]
        public static partial void LeasesRefused(ILogger logger, int count, string reason);

        [LoggerMessage(EventId = EventIds.BudgetLeaseReleaseFailed, Level = LogLevel.Warning, Message = "{Count} budget lease(s) of deferred requests could not be deleted ({Reason}); they will be charged in full at the next start")]
        public static partial void ReleaseFailed(ILogger logger, int count, string reason);
    }
}
