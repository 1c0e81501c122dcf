using Bulwark.Failover;
using Bulwark.Failover.Execution;
using CsCheck;
using Xunit.Abstractions;

namespace Bulwark.Tests.Failover.Execution;

/// <summary>
/// The orders <see cref="ProviderBalancer"/> gives (property-based), and a seeded simulation of the bandit against three
/// synthetic providers.
/// </summary>
public class ProviderBalancerTests(ITestOutputHelper output)
{
    private static readonly FailoverBalance[] Balanced = [FailoverBalance.RoundRobin, FailoverBalance.LeastBusy, FailoverBalance.PowerOfTwo, FailoverBalance.Bandit];

    [Fact]
    public void Create_Ordered_IsNull_NoStateOnTheHotPath()
    {
        Assert.Null(ProviderBalancer.Create(FailoverBalance.Ordered, 3, new FailoverBanditOptions(), null));
    }

    [Fact]
    public void Order_AnyStrategyAndLoad_IsAPermutation()
    {
        Gen.Select(Gen.Int[0, 3], Gen.Int[1, 9], Gen.Int[0, 5].Array[9], Gen.Int[0, 1000], Gen.Bool.Array[9]).Sample(t =>
        {
            var (strategy, count, busy, seed, successes) = t;
            var balancer = ProviderBalancer.Create(Balanced[strategy], count, new FailoverBanditOptions(), new Random(seed))!;
            for (var i = 0; i < count; i++)
            {
                for (var k = 0; k < busy[i]; k++)
                {
                    balancer.Enter(i);
                }

                balancer.Observe(i, successes[i], TimeSpan.FromMilliseconds(busy[i] * 300));
            }

            for (var round = 0; round < 5; round++)
            {
                var order = new int[count];
                balancer.Order(order);
                Assert.Equal(Enumerable.Range(0, count), order.Order());
            }
        });
    }

    [Fact]
    public void RoundRobin_EveryNCalls_EachProviderStartsOnce_TheRestInConfiguredOrder()
    {
        Gen.Select(Gen.Int[1, 9], Gen.Int[1, 20]).Sample(t =>
        {
            var (count, rounds) = t;
            var balancer = ProviderBalancer.Create(FailoverBalance.RoundRobin, count, new FailoverBanditOptions(), null)!;
            var firsts = new int[count];
            var order = new int[count];
            for (var call = 0; call < count * rounds; call++)
            {
                balancer.Order(order);
                firsts[order[0]]++;
                for (var k = 1; k < count; k++)
                {
                    Assert.Equal((order[0] + k) % count, order[k]);
                }
            }

            Assert.All(firsts, f => Assert.Equal(rounds, f));
        });
    }

    [Fact]
    public void LeastBusy_FirstHasTheFewestInFlight_AndTheOrderIsByInFlight()
    {
        Gen.Int[0, 6].Array[1, 9].Sample(busy =>
        {
            var balancer = ProviderBalancer.Create(FailoverBalance.LeastBusy, busy.Length, new FailoverBanditOptions(), null)!;
            for (var i = 0; i < busy.Length; i++)
            {
                for (var k = 0; k < busy[i]; k++)
                {
                    balancer.Enter(i);
                }
            }

            var order = new int[busy.Length];
            balancer.Order(order);
            Assert.Equal(busy.Min(), busy[order[0]]);
            for (var k = 1; k < order.Length; k++)
            {
                // Non-decreasing, ties in configured order.
                Assert.True(busy[order[k - 1]] < busy[order[k]] || (busy[order[k - 1]] == busy[order[k]] && order[k - 1] < order[k]));
            }
        });
    }

    [Fact]
    public void LeastBusy_ExitedCalls_NoLongerCount()
    {
        var balancer = ProviderBalancer.Create(FailoverBalance.LeastBusy, 2, new FailoverBanditOptions(), null)!;
        var order = new int[2];
        balancer.Enter(0);
        balancer.Order(order);
        Assert.Equal([1, 0], order);
        balancer.Exit(0);
        balancer.Order(order);
        Assert.Equal([0, 1], order);
    }

    [Fact]
    public void PowerOfTwo_NeverPicksTheBusiestOfTheTwo_AndNeverTheSingleBusiestOfAll()
    {
        Gen.Select(Gen.Int[0, 6].Array[2, 9], Gen.Int[0, 1000]).Sample(t =>
        {
            var (busy, seed) = t;
            var balancer = ProviderBalancer.Create(FailoverBalance.PowerOfTwo, busy.Length, new FailoverBanditOptions(), new Random(seed))!;
            for (var i = 0; i < busy.Length; i++)
            {
                for (var k = 0; k < busy[i]; k++)
                {
                    balancer.Enter(i);
                }
            }

            // The same draws, replayed: the pick is the less busy of the two drawn.
            var replay = new Random(seed);
            var order = new int[busy.Length];
            for (var round = 0; round < 10; round++)
            {
                balancer.Order(order);
                var a = replay.Next(busy.Length);
                var b = replay.Next(busy.Length - 1);
                b = b >= a ? b + 1 : b;
                Assert.Contains(order[0], new[] { a, b });
                Assert.Equal(Math.Min(busy[a], busy[b]), busy[order[0]]);
                if (busy.Count(x => x == busy.Max()) == 1)
                {
                    Assert.NotEqual(Array.IndexOf(busy, busy.Max()), order[0]);
                }
            }
        });
    }

    [Fact]
    public void PowerOfTwo_SameSeed_SameChoices()
    {
        var first = Choices(new Random(7));
        Assert.Equal(first, Choices(new Random(7)));

        static int[] Choices(Random random)
        {
            var balancer = ProviderBalancer.Create(FailoverBalance.PowerOfTwo, 5, new FailoverBanditOptions(), random)!;
            var order = new int[5];
            return [.. Enumerable.Range(0, 50).Select(_ => { balancer.Order(order); return order[0]; })];
        }
    }

    /// <summary>Three providers: 0 succeeds 95% within the goal; 1 succeeds 99% but slowly (800 ms for a 500 ms goal); 2 is fast but fails 30%.</summary>
    private static readonly (double Success, double LatencyMs)[] Synthetic = [(0.95, 200), (0.99, 800), (0.70, 100)];

    private static double Reward((double Success, double LatencyMs) p, FailoverBanditOptions o) =>
        (o.SuccessWeight * p.Success) + (o.LatencyWeight * Math.Min(1, o.LatencyGoal.TotalMilliseconds / p.LatencyMs));

    /// <summary>
    /// Seeded simulation over 10,000 requests: the bandit converges on the provider with the best expected reward (the same
    /// weighted formula it samples), and its regret (the expected reward lost against always choosing that provider) stays small.
    /// Then the best provider degrades and traffic moves to the next best.
    /// </summary>
    [Fact]
    public void Bandit_SyntheticProviders_ConvergesToTheBest_WithSmallRegret_AndMovesAwayWhenItDegrades()
    {
        const int N = 10_000;
        var options = new FailoverBanditOptions { SuccessWeight = 1, LatencyWeight = 0.5, LatencyGoal = TimeSpan.FromMilliseconds(500) };
        var random = new Random(2026);
        var world = new Random(14);
        var balancer = ProviderBalancer.Create(FailoverBalance.Bandit, 3, options, random)!;
        var providers = Synthetic.ToArray();
        var order = new int[3];

        double Run(int requests, int[] picks)
        {
            var best = providers.Max(p => Reward(p, options));
            var regret = 0.0;
            for (var r = 0; r < requests; r++)
            {
                balancer.Order(order);
                var chosen = order[0];
                picks[chosen]++;
                regret += best - Reward(providers[chosen], options);
                var success = world.NextDouble() < providers[chosen].Success;
                var latency = providers[chosen].LatencyMs * (0.8 + (0.4 * world.NextDouble()));
                balancer.Observe(chosen, success, TimeSpan.FromMilliseconds(latency));
            }

            return regret;
        }

        var picks = new int[3];
        var regret = Run(N, picks);
        var lastPicks = new int[3];
        Run(1_000, lastPicks);
        var worstGap = providers.Max(p => Reward(p, options)) - providers.Min(p => Reward(p, options));
        output.WriteLine($"regret over {N}: {regret:F1} (always the worst: {N * worstGap:F0}); picks {string.Join('/', picks)}; next 1,000: {string.Join('/', lastPicks)}");
        Assert.True(regret < 0.05 * N * worstGap, $"regret {regret:F1}");
        Assert.True(lastPicks[0] >= 900, $"best picked {lastPicks[0]} of 1,000");

        // Provider 0 degrades to 50% success: within a few hundred requests most traffic goes to provider 1.
        providers[0] = (0.5, 200);
        Run(300, new int[3]);
        var afterPicks = new int[3];
        Run(1_000, afterPicks);
        output.WriteLine($"after provider 0 degrades: {string.Join('/', afterPicks)}");
        Assert.True(afterPicks[1] >= 700, $"next best picked {afterPicks[1]} of 1,000");
    }

    /// <summary>Two providers alike but for their cost per request (1 and 3): with a cost weight, the cheaper takes the traffic.</summary>
    [Fact]
    public void Bandit_CostWeight_CheaperProviderTakesTheTraffic()
    {
        var options = new FailoverBanditOptions { LatencyGoal = TimeSpan.FromMilliseconds(500), CostWeight = 0.5 };
        var balancer = ProviderBalancer.Create(FailoverBalance.Bandit, 2, options, new Random(5))!;
        var world = new Random(6);
        double[] costs = [3, 1];
        var order = new int[2];
        var lastPicks = new int[2];
        for (var r = 0; r < 3_000; r++)
        {
            balancer.Order(order);
            var chosen = order[0];
            if (r >= 2_000)
            {
                lastPicks[chosen]++;
            }

            var success = world.NextDouble() < 0.95;
            balancer.Observe(chosen, success, TimeSpan.FromMilliseconds(100));
            balancer.ObserveCost(chosen, costs[chosen]);
        }

        Assert.True(lastPicks[1] >= 900, $"cheaper picked {lastPicks[1]} of 1,000");
    }

    [Theory]
    [InlineData(-0.1, 0.5, 1000, 0.98, "options.Bandit.SuccessWeight")]
    [InlineData(1, 100.5, 1000, 0.98, "options.Bandit.LatencyWeight")]
    [InlineData(0, 0, 1000, 0.98, "options.Bandit")]
    [InlineData(1, 0.5, 0.5, 0.98, "options.Bandit.LatencyGoal")]
    [InlineData(1, 0.5, 1000, 0, "options.Bandit.Decay")]
    [InlineData(1, 0.5, 1000, double.NaN, "options.Bandit.Decay")]
    [InlineData(1, 0.5, 1000, 1.01, "options.Bandit.Decay")]
    public void Create_Bandit_OutOfRange_Throws(double success, double latency, double goalMs, double decay, string name)
    {
        var options = new FailoverBanditOptions { SuccessWeight = success, LatencyWeight = latency, LatencyGoal = TimeSpan.FromMilliseconds(goalMs), Decay = decay };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ProviderBalancer.Create(FailoverBalance.Bandit, 2, options, null));
        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void Create_Bandit_CostWeightOutOfRange_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ProviderBalancer.Create(FailoverBalance.Bandit, 2, new FailoverBanditOptions { CostWeight = 101 }, null));
        Assert.Equal("options.Bandit.CostWeight", error.ParamName);
        Assert.NotNull(ProviderBalancer.Create(FailoverBalance.Bandit, 2, new FailoverBanditOptions { SuccessWeight = 0, LatencyWeight = 0, CostWeight = 1 }, null));
    }

    [Fact]
    public void Create_UnknownBalance_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProviderBalancer.Create((FailoverBalance)9, 2, new FailoverBanditOptions(), null));
    }
}
