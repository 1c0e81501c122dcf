using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Budgets;

/// <summary>
/// Every budget's counters, and the one place requests reserve, settle and release against them. A reservation checks
/// every budget the request counts in and reserves on all of them or on none, under one lock: two requests can never both
/// take the last of a budget, and the first requests of a user nobody has seen before find (and create) the same
/// counter. Nothing here waits on I/O; the lock is held for a few dictionary lookups and additions.
/// </summary>
internal sealed class BudgetBook
{
    /// <summary>How long a client is told to wait when what is left of a budget is held by requests in flight.</summary>
    public static readonly TimeSpan InFlightRetryAfter = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private BudgetState[] _states = [];

    /// <summary>The reservations not yet settled or released, held on the counters of budgets made or recounted meanwhile.</summary>
    private readonly HashSet<BudgetReservation> _open = new(ReferenceEqualityComparer.Instance);

    public BudgetBook(TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
    }

    /// <summary>Gets whether any budget counts anything (so requests need reservations).</summary>
    /// <remarks>Decided when the budgets are put in place, not per request.</remarks>
    public bool Active => Volatile.Read(ref _active);

    private bool _active;

    /// <summary>Gets the budgets, configured ones first.</summary>
    public IReadOnlyList<BudgetDefinition> Budgets => [.. Volatile.Read(ref _states).Select(static s => s.Budget)];

    public TimeZoneInfo TimeZone => _zone;

    /// <summary>Gets whether a budget is still being counted from the ledger (its count failed, or is under way).</summary>
    public bool AnyLoading => Volatile.Read(ref _states).Any(static s => s.Loading);

    /// <summary>
    /// Puts <paramref name="budgets"/> in place of the current ones. A budget that counts as before keeps its counters;
    /// a new or changed one starts loading (strict ones refuse with <see cref="BudgetRefusalKind.Loading"/>, spend
    /// settled meanwhile is kept) until <see cref="CompleteLoading"/> gives it the ledger's sums.
    /// </summary>
    /// <returns>The budgets to load from the ledger.</returns>
    public IReadOnlyList<BudgetDefinition> Replace(IReadOnlyList<BudgetDefinition> budgets, TimeZoneInfo zone)
    {
        lock (_gate)
        {
            bool zoneChanged = !zone.Equals(_zone);
            _zone = zone;
            var loading = new List<BudgetDefinition>();
            var states = new BudgetState[budgets.Count];
            var now = _timeProvider.GetUtcNow();
            for (int i = 0; i < budgets.Count; i++)
            {
                var budget = budgets[i];
                var old = Array.Find(_states, s => string.Equals(s.Budget.Name, budget.Name, StringComparison.OrdinalIgnoreCase));
                if (old is not null && !zoneChanged && old.Budget.CountsLike(budget))
                {
                    states[i] = old.With(budget);
                    if (states[i].Loading)
                    {
                        // Its count from the ledger never completed (the store failed): tried again.
                        loading.Add(budget);
                    }

                    continue;
                }

                states[i] = new BudgetState(budget) { Loading = true };
                loading.Add(budget);

                // Requests in flight hold their reservations on the new counters too: released as they end.
                if (budget.Mode != BudgetMode.Disabled)
                {
                    foreach (var open in _open)
                    {
                        if (budget.SubjectOf(open.Client, open.Model) is { } subject)
                        {
                            var counter = states[i].CounterOf(subject, now, zone);
                            counter.ReservedTokens += open.Tokens;
                            counter.ReservedCost += open.Cost;
                            counter.InFlight++;
                            open.Counters.Add(counter);
                        }
                    }
                }
            }

            Volatile.Write(ref _states, states);
            Volatile.Write(ref _active, Array.Exists(states, static s => s.Budget.Mode != BudgetMode.Disabled));
            return loading;
        }
    }

    /// <summary>Adds the ledger's sums to a loading budget's counters (on top of what settled while it loaded) and ends its loading.</summary>
    public void CompleteLoading(BudgetDefinition budget, IEnumerable<Bulwark.Storage.Sqlite.Budgets.BudgetSpend> sums)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            var state = Array.Find(_states, s => ReferenceEquals(s.Budget, budget));
            if (state is null)
            {
                return;
            }

            foreach (var sum in sums)
            {
                var client = new BudgetClient(sum.ClientKeyId, sum.User, sum.Team, sum.Tier);
                if (budget.SubjectOf(client, sum.Model) is { } subject)
                {
                    state.CounterOf(subject, now, _zone).Add(sum.BucketStart, sum.Tokens, BudgetDefinition.ToNanos(sum.Cost), now);
                }
            }

            state.Loading = false;
        }
    }

    /// <summary>Whether any budget (any strict one, with <paramref name="strictOnly"/>) counts a request of <paramref name="client"/> for <paramref name="model"/>, an unknown model included in a per-model one.</summary>
    public bool Counts(in BudgetClient client, string? model, bool strictOnly = false)
    {
        foreach (var state in Volatile.Read(ref _states))
        {
            var budget = state.Budget;
            if (budget.Mode == BudgetMode.Disabled || (strictOnly && budget.Mode != BudgetMode.Strict))
            {
                continue;
            }

            if (model is null ? budget.ClientSubject(client) is not null : budget.SubjectOf(client, model) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reserves <paramref name="tokens"/> and <paramref name="cost"/> (billionths; <see langword="null"/> when unknown)
    /// on every budget that counts a request of <paramref name="client"/> for <paramref name="model"/>, or on none.
    /// </summary>
    /// <returns>The reservation (possibly holding nothing), or the first strict budget's refusal.</returns>
    public (BudgetReservation? Reservation, BudgetRefusal? Refusal) TryReserve(in BudgetClient client, string? model, long tokens, long? cost)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            List<BudgetCounter>? counters = null;
            List<BudgetHold>? holds = null;
            List<string>? exceeded = null;
            BudgetStatusNote? tightest = null;
            foreach (var state in _states)
            {
                var budget = state.Budget;
                if (budget.Mode == BudgetMode.Strict && budget.Model is not null && model is null && budget.ClientSubject(client) is { } unread)
                {
                    // A per-model budget cannot tell whether a request whose model is unknown is one it counts.
                    return (null, new BudgetRefusal(BudgetRefusalKind.UnknownModel, budget.Name, SubjectName(budget, unread), null, null, null, null, tokens, Money(cost)));
                }

                if (budget.Mode == BudgetMode.Disabled || budget.SubjectOf(client, model) is not { } subject)
                {
                    continue;
                }

                bool strict = budget.Mode == BudgetMode.Strict;
                if (state.Loading && strict)
                {
                    return (null, new BudgetRefusal(BudgetRefusalKind.Loading, budget.Name, SubjectName(budget, subject), null, null, null, InFlightRetryAfter, tokens, Money(cost)));
                }

                var counter = state.CounterOf(subject, now, _zone);
                if (budget.CostLimit is not null && cost is null)
                {
                    if (strict)
                    {
                        return (null, new BudgetRefusal(BudgetRefusalKind.Unpriced, budget.Name, SubjectName(budget, subject), null, null, null, null, tokens, null));
                    }
                }
                else if (Refuse(budget, counter, subject, now, tokens, cost ?? 0) is { } refusal)
                {
                    if (strict)
                    {
                        return (null, refusal);
                    }

                    (exceeded ??= []).Add(budget.Name);
                }

                (counters ??= []).Add(counter);
                (holds ??= []).Add(new BudgetHold(budget, subject, counter.PeriodStart, counter.PeriodEnd));
                var (spentTokens, spentCost) = counter.Spent(now);
                double left = 1 - BudgetCounterStatus.UsedShare(budget, spentTokens + counter.ReservedTokens + tokens, spentCost + counter.ReservedCost + (cost ?? 0));
                if (tightest is null || left < tightest.RemainingShare)
                {
                    tightest = new BudgetStatusNote(budget.Name, BudgetCounterStatus.LevelOf(budget, 1 - left), Math.Max(0, left));
                }
            }

            long held = cost ?? 0;
            foreach (var counter in counters ?? [])
            {
                counter.ReservedTokens += tokens;
                counter.ReservedCost += held;
                counter.InFlight++;
            }

            var reservation = new BudgetReservation(client, model, tokens, held, counters ?? [], exceeded is null ? [] : exceeded, tightest) { Holds = holds is null ? [] : holds };
            _open.Add(reservation);
            return (reservation, null);
        }
    }

    /// <summary>
    /// Ends a reservation with what the request spent: the reservation comes off the counters it held, and the spend goes
    /// on every budget that counts the request now (a budget made meanwhile included). Once; later calls do nothing.
    /// </summary>
    /// <returns>The budgets whose level the spend changed (WARNING, CRITICAL, EXHAUSTED reached), for the log and alerts; empty when none.</returns>
    public IReadOnlyList<BudgetLevelChange> Settle(BudgetReservation reservation, long tokens, long cost)
    {
        var now = _timeProvider.GetUtcNow();
        List<BudgetLevelChange>? changes = null;
        lock (_gate)
        {
            if (!Unhold(reservation))
            {
                return [];
            }

            (reservation.ChargedTokens, reservation.ChargedCost) = (tokens, cost);

            foreach (var state in _states)
            {
                var budget = state.Budget;
                if (budget.Mode != BudgetMode.Disabled && budget.SubjectOf(reservation.Client, reservation.Model) is { } subject)
                {
                    var counter = state.CounterOf(subject, now, _zone);
                    var (beforeTokens, beforeCost) = counter.Spent(now);
                    counter.Add(now, tokens, cost, now);
                    var (afterTokens, afterCost) = counter.Spent(now);
                    var before = BudgetCounterStatus.LevelOf(budget, BudgetCounterStatus.UsedShare(budget, beforeTokens, beforeCost));
                    var after = BudgetCounterStatus.LevelOf(budget, BudgetCounterStatus.UsedShare(budget, afterTokens, afterCost));
                    if (after > before)
                    {
                        (changes ??= []).Add(new BudgetLevelChange(budget.Name, SubjectName(budget, subject), before, after));
                    }
                }
            }
        }

        return changes is null ? [] : changes;
    }

    /// <summary>Ends a reservation with nothing spent (the request was refused, failed or was never sent). Once.</summary>
    public void Release(BudgetReservation reservation)
    {
        lock (_gate)
        {
            if (Unhold(reservation))
            {
                (reservation.ChargedTokens, reservation.ChargedCost) = (0, 0);
            }
        }
    }

    /// <summary>Every counter of every budget, or those <paramref name="client"/> counts in when given.</summary>
    public IReadOnlyList<BudgetCounterStatus> Status(BudgetClient? client = null)
    {
        var now = _timeProvider.GetUtcNow();
        var statuses = new List<BudgetCounterStatus>();
        List<(BudgetState State, bool Loading, BudgetCounter[] Counters)>? all = null;
        lock (_gate)
        {
            foreach (var state in _states)
            {
                var budget = state.Budget;
                if (client is { } who)
                {
                    if (budget.ClientSubject(who) is { } own)
                    {
                        var counter = state.CounterOf(own, now, _zone);
                        statuses.Add(StatusOf(budget, counter, counter.Spent(now), (counter.PeriodStart, counter.PeriodEnd), state.Loading, now));
                    }

                    continue;
                }

                if (budget.Per == BudgetScope.Global)
                {
                    state.CounterOf(string.Empty, now, _zone);
                }

                // Only the references are taken under the lock (a copy of the dictionary's values): reading a hundred
                // thousand counters must not hold up the reservations that wait for it.
                (all ??= []).Add((state, state.Loading, [.. state.Counters.Values]));
            }
        }

        foreach (var (state, loading, counters) in all ?? [])
        {
            foreach (var counter in counters)
            {
                // Read without the lock, for display: a calendar period that has ended shows as the new one, empty.
                var budget = state.Budget;
                bool ended = budget.Period != BudgetPeriod.Rolling && now >= counter.PeriodEnd;
                var period = ended ? budget.PeriodAt(now, _zone) : (counter.PeriodStart, counter.PeriodEnd);
                statuses.Add(StatusOf(budget, counter, ended ? (0, 0) : counter.Spent(now), period, loading, now));
            }
        }

        return statuses;
    }

    /// <summary>Drops counters that hold nothing (no reservation, no spend in their period): users seen once last month cost no memory.</summary>
    public int Sweep()
    {
        var now = _timeProvider.GetUtcNow();
        int dropped = 0;
        lock (_gate)
        {
            foreach (var state in _states)
            {
                if (state.Loading)
                {
                    continue;
                }

                foreach (var (subject, counter) in state.Counters)
                {
                    counter.Roll(now, _zone);
                    if (counter.IsIdle(now) && state.Counters.Remove(subject))
                    {
                        dropped++;
                    }
                }
            }
        }

        return dropped;
    }

    private BudgetCounterStatus StatusOf(BudgetDefinition budget, BudgetCounter counter, (long Tokens, long Cost) spent, (DateTimeOffset Start, DateTimeOffset End) period, bool loading, DateTimeOffset now)
    {
        var (start, end) = budget.Period == BudgetPeriod.Rolling ? budget.PeriodAt(now, _zone) : period;
        var level = BudgetCounterStatus.LevelOf(budget, BudgetCounterStatus.UsedShare(budget, spent.Tokens, spent.Cost));
        return new BudgetCounterStatus(budget, SubjectName(budget, counter.Subject), spent.Tokens, spent.Cost, counter.ReservedTokens, counter.ReservedCost, counter.InFlight, start, end, level, loading);
    }

    private bool Unhold(BudgetReservation reservation)
    {
        if (reservation.Done)
        {
            return false;
        }

        reservation.Done = true;
        _open.Remove(reservation);
        foreach (var counter in reservation.Counters)
        {
            counter.ReservedTokens -= reservation.Tokens;
            counter.ReservedCost -= reservation.Cost;
            counter.InFlight--;
        }

        return true;
    }

    /// <summary>The refusal of a request of <paramref name="tokens"/> and <paramref name="cost"/> by <paramref name="budget"/>'s counter, or <see langword="null"/> when it fits.</summary>
    private static BudgetRefusal? Refuse(BudgetDefinition budget, BudgetCounter counter, string subject, DateTimeOffset now, long tokens, long cost)
    {
        var (spentTokens, spentCost) = counter.Spent(now);

        // Compared as what is left (never negative terms added): a request of any size cannot wrap the sum around.
        bool tokensFit = budget.TokenLimit is not { } tokenLimit || tokens <= tokenLimit - spentTokens - counter.ReservedTokens;
        bool costFits = budget.CostLimit is not { } costLimit || cost <= costLimit - spentCost - counter.ReservedCost;
        if (tokensFit && costFits)
        {
            return null;
        }

        long? remainingTokens = budget.TokenLimit is { } tl ? Math.Max(0, tl - spentTokens - counter.ReservedTokens) : null;
        decimal? remainingCost = budget.CostLimit is { } cl ? BudgetDefinition.FromNanos(Math.Max(0, cl - spentCost - counter.ReservedCost)) : null;
        string? who = SubjectName(budget, subject);
        if ((budget.TokenLimit is { } maxTokens && tokens > maxTokens) || (budget.CostLimit is { } maxCost && cost > maxCost))
        {
            return new BudgetRefusal(BudgetRefusalKind.TooLarge, budget.Name, who, remainingTokens, remainingCost, null, null, tokens, BudgetDefinition.FromNanos(cost));
        }

        bool fitsWhenSettled = (budget.TokenLimit is not { } t || tokens <= t - spentTokens) && (budget.CostLimit is not { } c || cost <= c - spentCost);
        if (fitsWhenSettled)
        {
            // What is left is held by requests in flight, which may settle for less than they reserved.
            return new BudgetRefusal(BudgetRefusalKind.Exceeded, budget.Name, who, remainingTokens, remainingCost, null, InFlightRetryAfter, tokens, BudgetDefinition.FromNanos(cost));
        }

        var resets = counter.FitsAgainAt(budget, now, tokens, cost);
        return new BudgetRefusal(BudgetRefusalKind.Exceeded, budget.Name, who, remainingTokens, remainingCost, resets, resets > now ? resets - now : InFlightRetryAfter, tokens, BudgetDefinition.FromNanos(cost));
    }

    private static string? SubjectName(BudgetDefinition budget, string subject) => budget.Per == BudgetScope.Global ? null : subject;

    private static decimal? Money(long? nanos) => nanos is { } n ? BudgetDefinition.FromNanos(n) : null;

    /// <summary>One budget's counters, by subject.</summary>
    private sealed class BudgetState(BudgetDefinition budget)
    {
        public BudgetDefinition Budget { get; } = budget;

        public Dictionary<string, BudgetCounter> Counters { get; private init; } = new(StringComparer.Ordinal);

        public bool Loading { get; set; }

        /// <summary>The same counters under a definition that counts alike (a new limit, mode or thresholds).</summary>
        public BudgetState With(BudgetDefinition budget) => new(budget) { Counters = Counters, Loading = Loading };

        public BudgetCounter CounterOf(string subject, DateTimeOffset now, TimeZoneInfo zone)
        {
            if (!Counters.TryGetValue(subject, out var counter))
            {
                counter = new BudgetCounter(Budget, subject);
                Counters.Add(subject, counter);
            }

            counter.Roll(now, zone);
            return counter;
        }
    }
}
