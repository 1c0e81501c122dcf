using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Gateway.Configuration;
using Bulwark.Storage;
using Bulwark.Storage.Redis.Budgets;
using Bulwark.Storage.Redis.RateLimiting;

namespace Bulwark.Gateway.Budgets;

/// <summary>
/// The fleet's budget counters on Redis (<c>Bulwark:SharedState</c> with Provider Redis): a reservation this gateway's
/// book accepted is made on them too, all or none, so that gateways reserving at once never together take more than a
/// strict budget allows. A counter Redis does not know (new, or lost with Redis's data) is first seeded from the usage
/// ledger, once for the fleet (exact when the fleet shares one ledger on PostgreSQL). While Redis cannot be reached,
/// <see cref="GatewaySharedStateOptions.BudgetsOnRedisFailure"/> decides.
/// </summary>
internal sealed partial class FleetBudgets : IBudgetFleet
{
    private readonly RedisBudgetCounters _counters;
    private readonly Func<BudgetDefinition, CancellationToken, Task<IReadOnlyList<Bulwark.Storage.Budgets.BudgetSpend>>> _ledger;
    private readonly GatewaySharedStateOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<FleetBudgets> _logger;
    private readonly ConcurrentDictionary<string, Lazy<Task<bool>>> _seeding = new(StringComparer.Ordinal);
    private long _lastUnavailableLog = long.MinValue;

    /// <param name="counters">The fleet's counters on Redis.</param>
    /// <param name="ledger">What the usage ledger holds for a budget in its current period (<see cref="BudgetLoader.SpendOfAsync"/>): a counter Redis does not know is seeded with it.</param>
    /// <param name="options">The shared-state settings (hold, failure mode).</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">The logger.</param>
    public FleetBudgets(RedisBudgetCounters counters, Func<BudgetDefinition, CancellationToken, Task<IReadOnlyList<Bulwark.Storage.Budgets.BudgetSpend>>> ledger, GatewaySharedStateOptions options, TimeProvider timeProvider, ILogger<FleetBudgets> logger)
    {
        _counters = counters;
        _ledger = ledger;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask<BudgetFleetRefusal?> ReserveAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        if (reservation.Holds.Count == 0)
        {
            return null;
        }

        var counters = reservation.FleetCounters = [.. reservation.Holds.Select(CounterOf)];
        var amount = new RedisBudgetAmount(reservation.Tokens, reservation.Cost);
        string id = IdOf(reservation);
        try
        {
            var result = await _counters.ReserveAsync(id, counters, amount, _options.BudgetHold, cancellationToken).ConfigureAwait(false);
            if (result.Status == RedisBudgetReserveStatus.NotSeeded)
            {
                foreach (int index in result.NotSeeded)
                {
                    if (!await SeedAsync(reservation.Holds[index], counters[index]).WaitAsync(cancellationToken).ConfigureAwait(false))
                    {
                        // The ledger cannot be read: a strict budget cannot know what the fleet spent before, and refuses.
                        var strict = reservation.Holds.FirstOrDefault(static h => h.Budget.Mode == BudgetMode.Strict);
                        return strict.Budget is null ? null
                            : new BudgetFleetRefusal(new BudgetRefusal(BudgetRefusalKind.Loading, strict.Budget.Name, SubjectName(strict), null, null, null, BudgetBook.InFlightRetryAfter, reservation.Tokens, Money(reservation.Cost)), null);
                    }
                }

                result = await _counters.ReserveAsync(id, counters, amount, _options.BudgetHold, cancellationToken).ConfigureAwait(false);
            }

            switch (result.Status)
            {
                case RedisBudgetReserveStatus.Reserved:
                    reservation.HeldByFleet = true;
                    return null;
                case RedisBudgetReserveStatus.NotSeeded:
                    // Seeded meanwhile and lost again (Redis restarted once more): a strict budget refuses for now; an
                    // advisory one lets the request go, its spend counted when it ends.
                    var strictUnseeded = reservation.Holds.FirstOrDefault(static h => h.Budget.Mode == BudgetMode.Strict);
                    if (strictUnseeded.Budget is null)
                    {
                        reservation.FleetSpendPending = true;
                        return null;
                    }

                    return new BudgetFleetRefusal(new BudgetRefusal(BudgetRefusalKind.Loading, strictUnseeded.Budget.Name, SubjectName(strictUnseeded), null, null, null, BudgetBook.InFlightRetryAfter, reservation.Tokens, Money(reservation.Cost)), null);
                default:
                    return new BudgetFleetRefusal(RefusalOf(reservation, reservation.Holds[result.RefusedBy], result), null);
            }
        }
        catch (StoreUnavailableException e)
        {
            // Redis may still run a script it did not answer in time: the hold it may have made is released, in the
            // background, as soon as Redis answers again (a release that finds nothing changes nothing).
            Finish(id, counters, default);
            bool open = _options.BudgetsOnRedisFailure == SharedStateFailureMode.FailOpen;
            LogUnavailable(e.Message, open);
            if (open)
            {
                // Served on this gateway's counters alone: its spend still goes on the fleet's when the request ends.
                reservation.FleetSpendPending = true;
                return null;
            }

            return BudgetFleetRefusal.Unavailable(e.Message);
        }
    }

    public void End(BudgetReservation reservation, long tokens, long cost)
    {
        if (reservation.HeldByFleet)
        {
            reservation.HeldByFleet = false;
            Finish(IdOf(reservation), CountersOf(reservation), new RedisBudgetAmount(tokens, cost));
        }
        else if (reservation.FleetSpendPending)
        {
            // Served without a hold on the fleet's counters: its spend, under an id of its own (the hold's id may have
            // been released), so that the fleet's counters do not forget it.
            reservation.FleetSpendPending = false;
            if (tokens != 0 || cost != 0)
            {
                Finish(IdOf(reservation) + "-spent", CountersOf(reservation), new RedisBudgetAmount(tokens, cost));
            }
        }
    }

    /// <summary>Gets how many settlements wait for Redis to answer again.</summary>
    public int PendingSettlements => Volatile.Read(ref _pendingSettlements);

    public async Task<BudgetFleetFigures?> ReadAsync(BudgetCounterStatus status, CancellationToken cancellationToken)
    {
        try
        {
            var (spent, reserved, seeded) = await _counters.ReadAsync(CounterOf(new ReservedBudget(status.Budget, status.Subject ?? string.Empty, status.PeriodStart, status.PeriodEnd)), cancellationToken).ConfigureAwait(false);
            return seeded ? new BudgetFleetFigures(spent.Tokens, spent.Cost, reserved.Tokens, reserved.Cost) : null;
        }
        catch (StoreUnavailableException)
        {
            return null;
        }
    }

    /// <summary>
    /// Settles (or, with nothing spent, releases) in the background, retried every second while Redis cannot be reached,
    /// for as long as Redis remembers settled ids: a settlement it ran but did not answer counts once.
    /// </summary>
    private void Finish(string id, RedisBudgetCounter[] counters, RedisBudgetAmount spent)
    {
        if (Interlocked.Increment(ref _pendingSettlements) > MaxPendingSettlements)
        {
            Interlocked.Decrement(ref _pendingSettlements);
            Log.SettleFailed(_logger, spent.Tokens, "too many settlements wait for Redis");
            return;
        }

        _ = FinishAsync(id, counters, spent);
    }

    private async Task FinishAsync(string id, RedisBudgetCounter[] counters, RedisBudgetAmount spent)
    {
        var deadline = _timeProvider.GetUtcNow() + RedisBudgetCounters.SettledIdsKept - SettleRetryInterval;
        try
        {
            while (true)
            {
                try
                {
                    await _counters.SettleAsync(id, counters, spent).ConfigureAwait(false);
                    return;
                }
                catch (StoreUnavailableException) when (_timeProvider.GetUtcNow() < deadline)
                {
                    await Task.Delay(SettleRetryInterval, _timeProvider).ConfigureAwait(false);
                }
            }
        }
        catch (StoreUnavailableException e)
        {
            // Given up after an hour: a hold expires on its own (BudgetHold); the spend is in the ledger, which seeds
            // the counter again if Redis lost it.
            Log.SettleFailed(_logger, spent.Tokens, e.Message);
        }
        finally
        {
            Interlocked.Decrement(ref _pendingSettlements);
        }
    }

    /// <summary>How often a settlement Redis did not take is tried again.</summary>
    private static readonly TimeSpan SettleRetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>The most settlements that wait for Redis at once; beyond, one is given up (and logged).</summary>
    private const int MaxPendingSettlements = 100_000;

    private int _pendingSettlements;

    /// <summary>
    /// Seeds a counter from the ledger, once per process at a time (requests that find it unseeded together wait for one
    /// read). Returns <see langword="false"/> when the ledger cannot be read; a Redis failure throws.
    /// </summary>
    private Task<bool> SeedAsync(ReservedBudget hold, RedisBudgetCounter counter)
    {
        var seeding = _seeding.GetOrAdd(counter.Key, key => new Lazy<Task<bool>>(() => SeedFromLedgerAsync(hold, counter)));
        var task = seeding.Value;
        _ = task.ContinueWith(_ => _seeding.TryRemove(new KeyValuePair<string, Lazy<Task<bool>>>(counter.Key, seeding)), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private async Task<bool> SeedFromLedgerAsync(ReservedBudget hold, RedisBudgetCounter counter)
    {
        IReadOnlyList<Bulwark.Storage.Budgets.BudgetSpend> sums;
        try
        {
            sums = await _ledger(hold.Budget, CancellationToken.None).ConfigureAwait(false);
        }
        catch (StoreUnavailableException e)
        {
            Log.SeedFailed(_logger, e.Message);
            return false;
        }

        var spent = new List<(DateTimeOffset, RedisBudgetAmount)>();
        foreach (var sum in sums)
        {
            var client = new BudgetClient(sum.ClientKeyId, sum.User, sum.Team, sum.Tier);
            if (string.Equals(hold.Budget.SubjectOf(client, sum.Model), hold.Subject, StringComparison.Ordinal)
                && (hold.Budget.Period == BudgetPeriod.Rolling || (sum.BucketStart >= hold.PeriodStart && sum.BucketStart < hold.PeriodEnd)))
            {
                spent.Add((sum.BucketStart, new RedisBudgetAmount(sum.Tokens, BudgetDefinition.ToNanos(sum.Cost))));
            }
        }

        if (await _counters.SeedAsync(counter, spent).ConfigureAwait(false))
        {
            Log.Seeded(_logger, hold.Budget.Name, spent.Sum(static s => s.Item2.Tokens));
        }

        return true;
    }

    /// <summary>
    /// The fleet's counter of a budget's subject: named by everything that decides what the budget counts (so a changed
    /// definition counts afresh, as the book's counters do) and, for a calendar budget, its period.
    /// </summary>
    internal static RedisBudgetCounter CounterOf(ReservedBudget hold)
    {
        var budget = hold.Budget;
        string identity = string.Join('\u001f', budget.Name.ToUpperInvariant(), budget.Per, budget.Key, budget.User, budget.Team, budget.Tier, budget.Model, budget.ModelPrefix, budget.Period, budget.Window.Ticks.ToString(CultureInfo.InvariantCulture), hold.Subject);
        string key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
        bool rolling = budget.Period == BudgetPeriod.Rolling;
        return new RedisBudgetCounter
        {
            Key = rolling ? key : string.Create(CultureInfo.InvariantCulture, $"{key}:{hold.PeriodStart.ToUnixTimeMilliseconds()}"),
            TokenLimit = budget.TokenLimit,
            CostLimit = budget.CostLimit,
            Enforced = budget.Mode == BudgetMode.Strict,
            BucketWidth = rolling ? TimeSpan.FromMilliseconds(budget.BucketMilliseconds) : null,
            KeepUntil = rolling ? default : hold.PeriodEnd,
        };
    }

    private BudgetRefusal RefusalOf(BudgetReservation reservation, ReservedBudget hold, RedisBudgetReserveResult result)
    {
        var budget = hold.Budget;
        long? remainingTokens = budget.TokenLimit is { } tl ? Math.Max(0, tl - result.Spent.Tokens - result.Reserved.Tokens) : null;
        decimal? remainingCost = budget.CostLimit is { } cl ? BudgetDefinition.FromNanos(Math.Max(0, cl - result.Spent.Cost - result.Reserved.Cost)) : null;
        bool fitsWhenSettled = (budget.TokenLimit is not { } t || reservation.Tokens <= t - result.Spent.Tokens) && (budget.CostLimit is not { } c || reservation.Cost <= c - result.Spent.Cost);
        if (fitsWhenSettled)
        {
            // What is left is held by requests in flight on the fleet's gateways, which may settle for less.
            return new BudgetRefusal(BudgetRefusalKind.Exceeded, budget.Name, SubjectName(hold), remainingTokens, remainingCost, null, BudgetBook.InFlightRetryAfter, reservation.Tokens, Money(reservation.Cost));
        }

        var now = _timeProvider.GetUtcNow();

        // A rolling window gives room back a bucket at a time: the next bucket is the earliest that may fit.
        var resets = budget.Period == BudgetPeriod.Rolling ? now + TimeSpan.FromMilliseconds(budget.BucketMilliseconds) : hold.PeriodEnd;
        return new BudgetRefusal(BudgetRefusalKind.Exceeded, budget.Name, SubjectName(hold), remainingTokens, remainingCost, resets, resets > now ? resets - now : BudgetBook.InFlightRetryAfter, reservation.Tokens, Money(reservation.Cost));
    }

    private void LogUnavailable(string reason, bool open)
    {
        // Once a minute at most: while Redis is away every budgeted request meets it.
        long now = _timeProvider.GetTimestamp();
        long last = Interlocked.Read(ref _lastUnavailableLog);
        if ((last == long.MinValue || _timeProvider.GetElapsedTime(last, now) >= TimeSpan.FromMinutes(1)) && Interlocked.CompareExchange(ref _lastUnavailableLog, now, last) == last)
        {
            Log.Unavailable(_logger, reason, open ? "served on this gateway's counters alone" : "refused");
        }
    }

    /// <summary>The fleet's counters of the reservation's budgets, as named when it was reserved (named once per request).</summary>
    private static RedisBudgetCounter[] CountersOf(BudgetReservation reservation) => reservation.FleetCounters ?? [.. reservation.Holds.Select(CounterOf)];

    /// <summary>The reservation's id in the fleet: one of its own, made at its first use and kept on the reservation.</summary>
    private static string IdOf(BudgetReservation reservation) => reservation.FleetId ??= Guid.NewGuid().ToString("N");

    private static string? SubjectName(ReservedBudget hold) => hold.Budget.Per == BudgetScope.Global ? null : hold.Subject;

    private static decimal? Money(long nanos) => nanos > 0 ? BudgetDefinition.FromNanos(nanos) : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.BudgetFleetUnavailable, Level = LogLevel.Error, Message = "The fleet's budget counters cannot be reached ({Reason}); budgeted requests are {Outcome} until they can (logged once a minute)")]
        public static partial void Unavailable(ILogger logger, string reason, string outcome);

        [LoggerMessage(EventId = EventIds.BudgetFleetSettleFailed, Level = LogLevel.Error, Message = "A budget settlement of {Tokens} tokens was given up on the fleet's counters ({Reason}); its hold expires on its own, and its spend is only in the ledger")]
        public static partial void SettleFailed(ILogger logger, long tokens, string reason);

        [LoggerMessage(EventId = EventIds.BudgetFleetSeedFailed, Level = LogLevel.Error, Message = "The fleet's budget counter could not be seeded from the usage ledger ({Reason}); strict budgets refuse the requests it counts until it is")]
        public static partial void SeedFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = EventIds.BudgetFleetSeeded, Level = LogLevel.Information, Message = "The fleet's counter of budget {Budget} was seeded from the usage ledger ({Tokens} tokens)")]
        public static partial void Seeded(ILogger logger, string budget, long tokens);
    }
}
