using System.Diagnostics;
using Bulwark.Gateway.Budgets;
using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Budgets;

/// <summary>Which budget counters are shown when there are too many to show them all.</summary>
public class BudgetStatusJsonTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private static BudgetBook BookOf(params BudgetDefinition[] budgets)
    {
        var book = new BudgetBook(new FakeTimeProvider(Start));
        foreach (var loading in book.Replace(budgets, TimeZoneInfo.Utc))
        {
            book.CompleteLoading(loading, []);
        }

        return book;
    }

    private static BudgetDefinition PerUser(string name, long tokens) =>
        new(name, new GatewayBudgetOptions { Per = BudgetScope.User, Tokens = tokens, Period = BudgetPeriod.Day }, fromAdmin: false);

    private static void Spend(BudgetBook book, string user, long tokens)
    {
        var reservation = book.TryReserve(new BudgetClient("key-" + user, user, null, null), null, tokens, null).Reservation!;
        book.Settle(reservation, tokens, 0);
    }

    [Fact]
    public void MostUsed_100000Counters_TheTop50ByShare_SameAsSortingThemAll()
    {
        var book = BookOf(PerUser("per-user", 1_000_000));
        var random = new Random(14);
        for (int i = 0; i < 100_000; i++)
        {
            // Few distinct amounts, so that many counters tie and the tie-break decides.
            Spend(book, "user-" + i, 1 + random.Next(2_000));
        }

        book.Status();
        var clock = Stopwatch.StartNew();
        var statuses = book.Status();
        var read = clock.Elapsed;
        var top = BudgetStatusJson.MostUsed(statuses, 50);
        var chosen = clock.Elapsed - read;

        var expected = statuses
            .OrderByDescending(static s => BudgetCounterStatus.UsedShare(s.Budget, s.SpentTokens, s.SpentCost))
            .ThenBy(static s => s.Budget.Name, StringComparer.Ordinal)
            .ThenBy(static s => s.Subject, StringComparer.Ordinal)
            .Take(50)
            .Select(static s => s.Subject);
        Assert.Equal(expected, top.Select(static s => s.Subject));
        output.WriteLine($"100,000 counters: Status() {read.TotalMilliseconds:0.0} ms, the top 50 {chosen.TotalMilliseconds:0.0} ms");
    }

    [Fact]
    public void MostUsed_TiesAcrossBudgets_ByNameThenSubject_AndFewerThanTheLimit_AllOfThem()
    {
        var book = BookOf(PerUser("b", 100), PerUser("a", 100));
        Spend(book, "zoe", 50);
        Spend(book, "adam", 50);
        Spend(book, "eve", 90);
        var statuses = book.Status();

        Assert.Equal(
            ["a/eve", "b/eve", "a/adam", "a/zoe", "b/adam", "b/zoe"],
            BudgetStatusJson.MostUsed(statuses, 100).Select(static s => s.Budget.Name + "/" + s.Subject));
        Assert.Equal(["a/eve", "b/eve", "a/adam"], BudgetStatusJson.MostUsed(statuses, 3).Select(static s => s.Budget.Name + "/" + s.Subject));
        Assert.Empty(BudgetStatusJson.MostUsed(statuses, 0));
        Assert.Empty(BudgetStatusJson.MostUsed([], 50));
    }
}
