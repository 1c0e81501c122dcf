using Bulwark.Gateway.Budgets;
using Bulwark.Gateway.Configuration;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Budgets;

/// <summary>The book of budget counters: atomic reservations, settlement, periods, rolling windows, levels.</summary>
public class BudgetBookTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static BudgetDefinition Budget(string name = "b", BudgetScope per = BudgetScope.Global, long? tokens = 1000, decimal? cost = null, BudgetMode mode = BudgetMode.Strict, BudgetPeriod period = BudgetPeriod.Day, TimeSpan? window = null, string? tier = null, string? model = null) =>
        new(name, new GatewayBudgetOptions { Per = per, Tokens = tokens, Cost = cost, Mode = mode, Period = period, Window = window, Tier = tier, Model = model }, fromAdmin: false);

    private static (BudgetBook Book, FakeTimeProvider Time) BookOf(params BudgetDefinition[] budgets)
    {
        var time = new FakeTimeProvider(Start);
        var book = new BudgetBook(time);
        foreach (var loading in book.Replace(budgets, TimeZoneInfo.Utc))
        {
            book.CompleteLoading(loading, []);
        }

        return (book, time);
    }

    private static readonly BudgetClient Alice = new("key-a", "alice", "research", "free");
    private static readonly BudgetClient Bob = new("key-b", "bob", "research", "pro");

    [Fact]
    public void Reserve_UpToTheLimit_ThenRefuses_WithWhatIsLeft_AndTheReset()
    {
        var (book, _) = BookOf(Budget(tokens: 1000));
        var first = book.TryReserve(Alice, "m", 600, null);
        Assert.NotNull(first.Reservation);
        var second = book.TryReserve(Alice, "m", 400, null);
        Assert.NotNull(second.Reservation);

        var third = book.TryReserve(Alice, "m", 1, null);
        Assert.Null(third.Reservation);
        Assert.Equal(BudgetRefusalKind.Exceeded, third.Refusal!.Kind);
        Assert.Equal(0, third.Refusal.RemainingTokens);

        // Held by requests in flight, not spent: a retry may fit soon.
        Assert.Null(third.Refusal.ResetsAt);
        Assert.Equal(BudgetBook.InFlightRetryAfter, third.Refusal.RetryAfter);

        // Settled for less than reserved: the difference comes back.
        book.Settle(first.Reservation!, 500, 0);
        book.Settle(second.Reservation!, 400, 0);
        book.Settle(book.TryReserve(Alice, "m", 100, null).Reservation!, 100, 0);
        var spent = book.TryReserve(Alice, "m", 1, null).Refusal!;
        Assert.Equal(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero), spent.ResetsAt);
        Assert.Equal(TimeSpan.FromHours(14), spent.RetryAfter);
    }

    [Fact]
    public void Release_GivesTheReservationBack_Once()
    {
        var (book, _) = BookOf(Budget(tokens: 100));
        var held = book.TryReserve(Alice, null, 100, null).Reservation!;
        Assert.NotNull(book.TryReserve(Alice, null, 1, null).Refusal);
        book.Release(held);
        book.Release(held);
        book.Settle(held, 100, 0);
        Assert.Equal(0, Assert.Single(book.Status()).SpentTokens);
        Assert.NotNull(book.TryReserve(Alice, null, 100, null).Reservation);
        Assert.Null(book.TryReserve(Alice, null, 1, null).Reservation);
    }

    [Fact]
    public void TooLarge_ForTheWholeLimit_IsNotRetryable()
    {
        var (book, _) = BookOf(Budget(tokens: 100));
        var refusal = book.TryReserve(Alice, null, 101, null).Refusal!;
        Assert.Equal(BudgetRefusalKind.TooLarge, refusal.Kind);
        Assert.Null(refusal.RetryAfter);
    }

    [Fact]
    public void ReservesOnAllOrNone_OfTheBudgetsThatCountARequest()
    {
        var (book, _) = BookOf(Budget("users", BudgetScope.User, tokens: 100), Budget("all", tokens: 150));
        Assert.NotNull(book.TryReserve(Alice, null, 100, null).Reservation);

        // Bob's own budget has room, the global one not for 60: nothing is held on Bob's counter either.
        Assert.Equal("all", book.TryReserve(Bob, null, 60, null).Refusal!.Budget);
        var bob = book.Status().Single(s => s.Subject == "bob" || (s.Budget.Name == "users" && s.Subject == "bob"));
        Assert.Equal(0, bob.ReservedTokens);
        Assert.NotNull(book.TryReserve(Bob, null, 50, null).Reservation);
    }

    [Fact]
    public void PerUser_CountersAreSeparate_AndFiltersSelectWhoCounts()
    {
        var (book, _) = BookOf(Budget("free-users", BudgetScope.User, tokens: 100, tier: "free"), Budget("gpt", tokens: 10, model: "gpt-4o*"));
        Assert.NotNull(book.TryReserve(Alice, "claude", 100, null).Reservation);
        Assert.Equal("free-users", book.TryReserve(Alice, "claude", 1, null).Refusal!.Budget);

        // Bob is pro: the free tier's budget does not count him.
        Assert.NotNull(book.TryReserve(Bob, "claude", 1_000, null).Reservation);

        // The per-model budget counts gpt-4o* only, whoever asks.
        Assert.Equal("gpt", book.TryReserve(Bob, "GPT-4o-mini", 11, null).Refusal!.Budget);
    }

    [Fact]
    public void Filters_KeyUserTeam_SelectWhoCounts()
    {
        var byKey = new BudgetDefinition("k", new GatewayBudgetOptions { Key = "key-a", Tokens = 1 }, fromAdmin: false);
        var byUser = new BudgetDefinition("u", new GatewayBudgetOptions { User = "bob", Tokens = 1 }, fromAdmin: false);
        var byTeam = new BudgetDefinition("t", new GatewayBudgetOptions { Team = "research", Per = BudgetScope.User, Tokens = 1 }, fromAdmin: false);
        Assert.Equal(string.Empty, byKey.SubjectOf(Alice, null));
        Assert.Null(byKey.SubjectOf(Bob, null));
        Assert.Null(byUser.SubjectOf(Alice, null));
        Assert.Equal(string.Empty, byUser.SubjectOf(Bob, null));
        Assert.Equal("alice", byTeam.SubjectOf(Alice, null));
        Assert.Null(byTeam.SubjectOf(new BudgetClient("key-c", "carol", "ops", "free"), null));

        var (book, _) = BookOf(byKey);
        Assert.NotNull(book.TryReserve(Bob, null, 100, null).Reservation);
        Assert.Equal("k", book.TryReserve(Alice, null, 2, null).Refusal!.Budget);
    }

    [Fact]
    public void Advisory_Serves_AndNamesTheBudgetItExceeds()
    {
        var (book, _) = BookOf(Budget("soft", tokens: 100, mode: BudgetMode.Advisory));
        var reservation = book.TryReserve(Alice, null, 150, null).Reservation!;
        Assert.Equal(["soft"], reservation.AdvisoryExceeded);
        book.Settle(reservation, 150, 0);
        Assert.Equal(BudgetLevel.Exhausted, Assert.Single(book.Status()).Level);
    }

    [Fact]
    public void Disabled_CountsNothing()
    {
        var (book, _) = BookOf(Budget(tokens: 1, mode: BudgetMode.Disabled));
        Assert.False(book.Active);
        Assert.Empty(book.TryReserve(Alice, null, 100, null).Reservation!.Counters);
    }

    [Fact]
    public void Cost_UnknownForAStrictCostBudget_IsRefusedAsUnpriced()
    {
        var (book, _) = BookOf(Budget(tokens: null, cost: 1m));
        Assert.Equal(BudgetRefusalKind.Unpriced, book.TryReserve(Alice, null, 1, null).Refusal!.Kind);
        Assert.NotNull(book.TryReserve(Alice, null, 1, BudgetDefinition.ToNanos(0.5m)).Reservation);
        Assert.NotNull(book.TryReserve(Alice, null, 1, BudgetDefinition.ToNanos(0.5m)).Reservation);
        Assert.NotNull(book.TryReserve(Alice, null, 1, 1).Refusal);
    }

    [Fact]
    public void Levels_FollowTheThresholds()
    {
        var (book, _) = BookOf(Budget(tokens: 100));
        void Spend(long tokens) => book.Settle(book.TryReserve(Alice, null, tokens, null).Reservation!, tokens, 0);
        Assert.Equal(BudgetLevel.Ok, Assert.Single(book.Status()).Level);
        Spend(80);
        Assert.Equal(BudgetLevel.Warning, Assert.Single(book.Status()).Level);
        Spend(15);
        Assert.Equal(BudgetLevel.Critical, Assert.Single(book.Status()).Level);
        Spend(5);
        Assert.Equal(BudgetLevel.Exhausted, Assert.Single(book.Status()).Level);

        // Configured thresholds move the levels.
        var custom = new BudgetDefinition("c", new GatewayBudgetOptions { Tokens = 100, Warning = 0.5, Critical = 0.6 }, fromAdmin: false);
        Assert.Equal(BudgetLevel.Ok, BudgetCounterStatus.LevelOf(custom, 0.49));
        Assert.Equal(BudgetLevel.Warning, BudgetCounterStatus.LevelOf(custom, 0.5));
        Assert.Equal(BudgetLevel.Critical, BudgetCounterStatus.LevelOf(custom, 0.6));
        Assert.Equal(BudgetLevel.Exhausted, BudgetCounterStatus.LevelOf(custom, 1));
    }

    [Fact]
    public void Day_StartsAgainAtMidnight_InTheConfiguredTimeZone()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 22, 30, 0, TimeSpan.Zero));
        var book = new BudgetBook(time);
        foreach (var loading in book.Replace([Budget(tokens: 100)], berlin))
        {
            book.CompleteLoading(loading, []);
        }

        book.Settle(book.TryReserve(Alice, null, 100, null).Reservation!, 100, 0);

        // 22:30 UTC is 23:30 in Berlin: the day ends at 23:00 UTC.
        var refusal = book.TryReserve(Alice, null, 1, null).Refusal!;
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.Zero), refusal.ResetsAt);
        time.Advance(TimeSpan.FromMinutes(31));
        Assert.NotNull(book.TryReserve(Alice, null, 100, null).Reservation);
    }

    [Fact]
    public void Month_IsTheCalendarMonth_AcrossADstChange()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var budget = Budget(period: BudgetPeriod.Month);
        var (start, end) = budget.PeriodAt(new DateTimeOffset(2026, 10, 15, 12, 0, 0, TimeSpan.Zero), berlin);
        Assert.Equal(new DateTimeOffset(2026, 9, 30, 22, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(new DateTimeOffset(2026, 10, 31, 23, 0, 0, TimeSpan.Zero), end);
    }

    [Fact]
    public void Rolling_SpendAgesOut_NeverEarly()
    {
        var (book, time) = BookOf(Budget(tokens: 100, period: BudgetPeriod.Rolling, window: TimeSpan.FromHours(1)));
        book.Settle(book.TryReserve(Alice, null, 100, null).Reservation!, 100, 0);
        var refusal = book.TryReserve(Alice, null, 1, null).Refusal!;

        // A bucket is a minute; the spend leaves once the whole of its minute is older than the hour.
        Assert.Equal(Start + TimeSpan.FromMinutes(61), refusal.ResetsAt);
        time.Advance(TimeSpan.FromMinutes(60));
        Assert.NotNull(book.TryReserve(Alice, null, 1, null).Refusal);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(book.TryReserve(Alice, null, 100, null).Reservation);
    }

    [Fact]
    public void Loading_RefusesStrict_KeepsWhatSettledMeanwhile_ThenAddsTheLedger()
    {
        var time = new FakeTimeProvider(Start);
        var book = new BudgetBook(time);
        var budget = Budget(tokens: 100);
        var loading = Assert.Single(book.Replace([budget], TimeZoneInfo.Utc));
        Assert.Equal(BudgetRefusalKind.Loading, book.TryReserve(Alice, null, 1, null).Refusal!.Kind);

        book.CompleteLoading(loading, [new Bulwark.Storage.Budgets.BudgetSpend("key-a", "alice", null, null, null, Start.Date, 90, 0m)]);
        Assert.Equal(90, Assert.Single(book.Status()).SpentTokens);
        Assert.NotNull(book.TryReserve(Alice, null, 10, null).Reservation);
        Assert.NotNull(book.TryReserve(Alice, null, 1, null).Refusal);

        // A new limit keeps the counters; a change in what is counted counts again.
        Assert.Empty(book.Replace([Budget(tokens: 200)], TimeZoneInfo.Utc));
        Assert.Single(book.Replace([Budget(tokens: 200, per: BudgetScope.User)], TimeZoneInfo.Utc));
    }

    [Fact]
    public void HugeReservations_NeverWrapTheCheck()
    {
        var (book, _) = BookOf(Budget(tokens: 100, cost: 1m));
        book.Settle(book.TryReserve(Alice, null, 10, 10).Reservation!, 10, 10);
        Assert.Equal(BudgetRefusalKind.TooLarge, book.TryReserve(Alice, null, long.MaxValue, 1).Refusal!.Kind);
        Assert.Equal(BudgetRefusalKind.TooLarge, book.TryReserve(Alice, null, 1, long.MaxValue).Refusal!.Kind);
        Assert.NotNull(book.TryReserve(Alice, null, 90, 10).Reservation);
        Assert.NotNull(book.TryReserve(Alice, null, 1, 1).Refusal);
    }

    [Fact]
    public void Recounted_Budget_HoldsTheReservationsInFlight()
    {
        var (book, _) = BookOf(Budget(tokens: 100));
        var open = book.TryReserve(Alice, null, 100, null).Reservation!;

        // The time zone changes: every budget is counted again, and the request in flight still holds its 100.
        var loading = Assert.Single(book.Replace([Budget(tokens: 100)], TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin")));
        book.CompleteLoading(loading, []);
        Assert.Equal(BudgetRefusalKind.Exceeded, book.TryReserve(Alice, null, 1, null).Refusal!.Kind);
        book.Settle(open, 100, 0);
        Assert.Equal((100L, 0L), (book.Status().Single().SpentTokens, book.Status().Single().ReservedTokens));
        Assert.NotNull(book.TryReserve(Alice, null, 1, null).Refusal);
    }

    [Fact]
    public void DisabledThenStrictAgain_IsCountedAgain_AndALoadThatFailedIsRetried()
    {
        var (book, _) = BookOf(Budget(tokens: 100));
        Assert.Single(book.Replace([Budget(tokens: 100, mode: BudgetMode.Disabled)], TimeZoneInfo.Utc));
        Assert.Single(book.Replace([Budget(tokens: 100)], TimeZoneInfo.Utc));

        // Its count never completed: the same definition is still to be counted, and strict requests wait for it.
        Assert.Single(book.Replace([Budget(tokens: 100)], TimeZoneInfo.Utc));
        Assert.True(book.AnyLoading);
        Assert.Equal(BudgetRefusalKind.Loading, book.TryReserve(Alice, null, 1, null).Refusal!.Kind);
    }

    [Fact]
    public void PerModelStrictBudget_RefusesARequestWhoseModelIsUnknown()
    {
        var (book, _) = BookOf(Budget(tokens: 100, model: "gpt-4o"));
        Assert.Equal(BudgetRefusalKind.UnknownModel, book.TryReserve(Alice, null, 1, null).Refusal!.Kind);
        Assert.Empty(book.TryReserve(Alice, "claude", 1, null).Reservation!.Counters);
        Assert.True(book.Counts(Alice, null));
        Assert.False(book.Counts(Alice, "claude"));
    }

    [Fact]
    public void Sweep_DropsIdleCounters()
    {
        var (book, time) = BookOf(Budget(per: BudgetScope.User, tokens: 100));
        book.Settle(book.TryReserve(Alice, null, 10, null).Reservation!, 10, 0);
        book.Release(book.TryReserve(Bob, null, 10, null).Reservation!);
        Assert.Equal(1, book.Sweep());
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(1, book.Sweep());
        Assert.Empty(book.Status());
    }

    /// <summary>
    /// Any interleaving of reservations, honest settlements (at most what was reserved) and releases never spends more
    /// than the strict limit, and leaves nothing reserved once every request has ended.
    /// </summary>
    [Fact]
    public void Property_StrictBudget_NeverOvershoots_AndNothingLeaks()
    {
        var op = Gen.Select(Gen.Int[0, 2], Gen.Int[1, 300], Gen.Int[0, 100]);
        Gen.Select(op.Array[1, 200], Gen.Int[100, 2_000]).Sample(t =>
        {
            var (ops, limit) = t;
            var (book, time) = BookOf(Budget("users", BudgetScope.User, tokens: limit), Budget("all", tokens: limit * 2));
            var open = new List<BudgetReservation>();
            foreach (var (kind, size, percent) in ops)
            {
                var client = size % 2 == 0 ? Alice : Bob;
                if (kind == 0 || open.Count == 0)
                {
                    if (book.TryReserve(client, null, size, null).Reservation is { } reservation)
                    {
                        open.Add(reservation);
                    }
                }
                else
                {
                    var ending = open[size % open.Count];
                    open.Remove(ending);
                    if (kind == 1)
                    {
                        book.Settle(ending, ending.Tokens * percent / 100, 0);
                    }
                    else
                    {
                        book.Release(ending);
                    }
                }

                time.Advance(TimeSpan.FromSeconds(1));
                foreach (var status in book.Status())
                {
                    if (status.SpentTokens + status.ReservedTokens > status.Budget.TokenLimit)
                    {
                        return false;
                    }
                }
            }

            foreach (var reservation in open)
            {
                book.Release(reservation);
            }

            return book.Status().All(static s => s.ReservedTokens == 0 && s.InFlight == 0);
        });
    }

    /// <summary>Concurrent first requests of users nobody has seen: each user's counter is made once, and holds.</summary>
    [Fact]
    public async Task ConcurrentFirstRequests_OfUnknownUsers_NeverOvershoot()
    {
        var (book, _) = BookOf(Budget("users", BudgetScope.User, tokens: 10));
        int served = 0;
        await Parallel.ForAsync(0, 4_000, async (i, _) =>
        {
            await Task.Yield();
            if (book.TryReserve(new BudgetClient(null, "user-" + (i % 40), null, null), null, 1, null).Reservation is not null)
            {
                Interlocked.Increment(ref served);
            }
        });

        Assert.Equal(400, served);
        Assert.All(book.Status(), static s => Assert.Equal(10, s.ReservedTokens));
    }
}
