using BenchmarkDotNet.Attributes;
using Bulwark.Gateway.Budgets;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Benchmarks.Budgets;

/// <summary>
/// The budget check on a request's path: reserve on every budget that counts the request (atomically, under the book's
/// lock), then settle to its usage. With one global budget; with a per-user, a per-tier and a global budget over 10,000
/// users; and the same from 4 threads at once (contention on the lock). The goal: 20 µs or less per request.
/// </summary>
[MemoryDiagnoser]
public class BudgetCheckBenchmarks
{
    private const int Users = 10_000;
    private BudgetBook _one = null!;
    private BudgetBook _three = null!;
    private BudgetClient[] _clients = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _one = Book(Budget("everyone", BudgetScope.Global));
        _three = Book(Budget("per-user", BudgetScope.User), Budget("free-tier", BudgetScope.Tier, tier: "free"), Budget("everyone", BudgetScope.Global));
        _clients = [.. Enumerable.Range(0, Users).Select(static i => new BudgetClient("key-" + i, "user-" + i, "team-" + (i % 50), i % 3 == 0 ? "pro" : "free"))];
        foreach (var client in _clients)
        {
            _three.Settle(_three.TryReserve(client, "gpt-4o-mini", 1, 1).Reservation!, 1, 1);
        }
    }

    [Benchmark(Baseline = true, Description = "one global budget: reserve + settle")]
    public void OneBudget() => Check(_one);

    [Benchmark(Description = "user + tier + global, 10,000 users: reserve + settle")]
    public void ThreeBudgets() => Check(_three);

    [Benchmark(OperationsPerInvoke = 4_000, Description = "user + tier + global, 4 threads at once, per request")]
    public void ThreeBudgetsContended() =>
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            for (int i = 0; i < 1_000; i++)
            {
                Check(_three);
            }
        });

    private void Check(BudgetBook book)
    {
        var client = _clients[(uint)Interlocked.Increment(ref _next) % Users];
        var (reservation, _) = book.TryReserve(client, "gpt-4o-mini", 1_200, 2_000);
        book.Settle(reservation!, 1_000, 1_500);
    }

    private static BudgetBook Book(params BudgetDefinition[] budgets)
    {
        var book = new BudgetBook(TimeProvider.System);
        foreach (var loading in book.Replace(budgets, TimeZoneInfo.Utc))
        {
            book.CompleteLoading(loading, []);
        }

        return book;
    }

    private static BudgetDefinition Budget(string name, BudgetScope per, string? tier = null) =>
        new(name, new GatewayBudgetOptions { Per = per, Tier = tier, Tokens = long.MaxValue / 4, Cost = 1_000_000_000m, Period = BudgetPeriod.Month }, fromAdmin: false);
}
