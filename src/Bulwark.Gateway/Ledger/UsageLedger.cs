using System.Threading.Channels;
using Bulwark.AspNetCore.Requests;
using Bulwark.Gateway.Limits;
using Bulwark.Gateway.Storage;
using Bulwark.Storage.Usage;

namespace Bulwark.Gateway.Ledger;

/// <summary>
/// The usage ledger's writer: each completed request on a route with an <c>Api</c> kind becomes a row, queued without
/// waiting and written to the store (SQLite or PostgreSQL) by one background loop in batches (the rows of a 250 ms window, up to 500 per
/// transaction). A store failure drops that batch (logged),
/// never fails a request; a full queue drops the row (logged once per burst). Off without one (in memory, or missing).
/// </summary>
internal sealed partial class UsageLedger : BackgroundService
{
    private const int QueueCapacity = 10_000;
    private const int MaxBatch = 500;

    /// <summary>How long the first row of a batch waits for others: one transaction for the rows of this window, not one per request.</summary>
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(250);

    private readonly GatewayStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<UsageLedger> _logger;
    private readonly Channel<UsageLedgerRow> _queue = Channel.CreateBounded<UsageLedgerRow>(new BoundedChannelOptions(QueueCapacity) { SingleReader = true });
    private long _dropped;

    /// <summary>How often rows past their retention are deleted.</summary>
    public static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    /// <summary>The most rows one pruning transaction deletes.</summary>
    public const int PruneStep = 10_000;

    private readonly TimeSpan _retention;

    public UsageLedger(GatewayStore store, TimeProvider timeProvider, ILogger<UsageLedger> logger, Microsoft.Extensions.Options.IOptions<Configuration.GatewayOptions> options)
    {
        _retention = options.Value.Storage.UsageRetention;
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets whether rows are kept (a SQLite or PostgreSQL store is open).</summary>
    public bool Enabled => _store.UsageStore is not null && _store.IsAvailable;

    /// <summary>Queues the row of a completed request; never waits, never throws.</summary>
    /// <param name="context">The request.</param>
    /// <param name="feature">Its usage and outcome.</param>
    /// <param name="user">The user the request named, when no identity says.</param>
    /// <param name="charge">What the request's budgets charged, and the lease that goes with the row, when budgets counted it.</param>
    /// <param name="requestModel">The model the client asked for.</param>
    public void Record(HttpContext context, BulwarkRequestFeature feature, string? user, UsageCharge? charge = null, string? requestModel = null)
    {
        if (!Enabled)
        {
            return;
        }

        // An identified client is recorded by its key id and user (the route's identity wins over a header or the body);
        // an anonymous one by its API key's hash prefix, as before.
        var identity = context.Features.Get<Clients.ClientIdentity>();
        string clientKey = ClientKey.Of(context);
        var row = new UsageLedgerRow(
            _timeProvider.GetUtcNow(),
            identity is null && clientKey.StartsWith("key:", StringComparison.Ordinal) ? clientKey[4..] : null,
            identity?.User ?? user,
            feature.Route ?? string.Empty,
            feature.Provider,
            feature.ResponseModel ?? feature.RequestModel,
            feature.InputTokens,
            feature.CachedInputTokens,
            feature.OutputTokens,
            feature.Cost,
            context.Response.StatusCode)
        {
            ClientKeyId = identity?.KeyId,
            BudgetUser = identity?.User,
            Team = identity?.Team,
            Tier = identity?.Tier,
            RequestModel = requestModel ?? feature.RequestModel,
            LeaseId = charge?.LeaseId,
            ChargedTokens = charge?.Tokens,
            ChargedCost = charge?.Cost,
        };
        Enqueue(row);
    }

    private void Enqueue(UsageLedgerRow row)
    {
        if (_queue.Writer.TryWrite(row))
        {
            Interlocked.Increment(ref _queued);
        }
        else if (Interlocked.Increment(ref _dropped) == 1)
        {
            Log.Full(_logger, QueueCapacity);
        }
    }

    private long _queued;
    private long _handled;
    private TaskCompletionSource _batchDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when every row queued before the call has been written (or dropped, said in the log).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        long target = Interlocked.Read(ref _queued);
        while (Enabled)
        {
            // The batch's signal is taken before the count is read: a batch ending in between is not waited for in vain.
            var batchDone = Volatile.Read(ref _batchDone).Task;
            if (Interlocked.Read(ref _handled) >= target)
            {
                return;
            }

            await batchDone.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Queues the row of a deferred request delivered later (no client key: credentials are never stored with it); never
    /// waits, never throws.
    /// </summary>
    public void RecordDelivery(string route, string? provider, string? user, string? model, in Usage.TokenUsage usage, decimal? cost, int status)
    {
        if (!Enabled)
        {
            return;
        }

        Enqueue(new UsageLedgerRow(_timeProvider.GetUtcNow(), null, user, route, provider, model, usage.TotalInput, usage.CachedInput, usage.Output, cost, status));
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        _store.UsageStore is not null ? Task.WhenAll(WriteLoopAsync(stoppingToken), PruneLoopAsync(stoppingToken)) : WriteLoopAsync(stoppingToken);

    /// <summary>Deletes the rows past their retention at start, then every <see cref="PruneInterval"/>, in steps of <see cref="PruneStep"/>.</summary>
    private async Task PruneLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await PruneAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(PruneInterval, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Deletes every row completed longer than the retention ago; returns how many.</summary>
    internal async Task<long> PruneAsync(CancellationToken cancellationToken)
    {
        var before = _timeProvider.GetUtcNow() - _retention;
        long deleted = 0;
        try
        {
            int step;
            do
            {
                step = await _store.UsageStore!.PruneUsageAsync(before, PruneStep, cancellationToken).ConfigureAwait(false);
                deleted += step;
            }
            while (step == PruneStep);
        }
#pragma warning disable CA1031 // Pruning is housekeeping: a store that refuses it is said, and tried again next time.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            Log.PruneFailed(_logger, e.Message);
        }

        if (deleted > 0)
        {
            Log.Pruned(_logger, deleted, before);
        }

        return deleted;
    }

    private async Task WriteLoopAsync(CancellationToken stoppingToken)
    {
        var batch = new List<UsageLedgerRow>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await Task.Delay(BatchWindow, _timeProvider, stoppingToken).ConfigureAwait(false);

                // A write in progress is not cut by the stop: its rows would be lost, unsaid.
                await WriteQueuedAsync(batch, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Stopping: what is queued is written once more.
        await WriteQueuedAsync(batch, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task WriteQueuedAsync(List<UsageLedgerRow> batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var row))
            {
                batch.Add(row);
            }

            if (batch.Count == 0)
            {
                return;
            }

            Interlocked.Exchange(ref _dropped, 0);
            try
            {
                await _store.UsageStore!.AppendUsageAsync(batch, cancellationToken).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A ledger write failure must never reach a request: the batch is dropped and said.
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
            {
                Log.WriteFailed(_logger, batch.Count, e.Message);
            }

            Interlocked.Add(ref _handled, batch.Count);
            Interlocked.Exchange(ref _batchDone, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.UsageLedgerWriteFailed, Level = LogLevel.Warning, Message = "{Count} usage ledger row(s) were dropped: the store refused them ({Reason})")]
        public static partial void WriteFailed(ILogger logger, int count, string reason);

        [LoggerMessage(EventId = EventIds.UsageLedgerPruneFailed, Level = LogLevel.Warning, Message = "The usage ledger's old rows could not be deleted ({Reason}); tried again within the hour")]
        public static partial void PruneFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = EventIds.UsageLedgerPruned, Level = LogLevel.Information, Message = "{Count} usage ledger row(s) completed before {Before:o} were deleted (Storage:UsageRetention)")]
        public static partial void Pruned(ILogger logger, long count, DateTimeOffset before);

        [LoggerMessage(EventId = EventIds.UsageLedgerFull, Level = LogLevel.Warning, Message = "The usage ledger's queue is full ({Capacity} rows): rows are dropped until the store catches up")]
        public static partial void Full(ILogger logger, int capacity);
    }
}
