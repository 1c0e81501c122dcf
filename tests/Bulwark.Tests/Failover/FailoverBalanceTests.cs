using System.Net;
using Bulwark.Failover;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Tests.Failover;

/// <summary>
/// <see cref="FailoverOptions{TResult}.Balance"/> through the executor: the order it chooses is the order the chain tries,
/// failover, skipping and panic apply to it unchanged.
/// </summary>
public class FailoverBalanceTests
{
    private readonly FakeTimeProvider _time = new();

    private static FailoverProvider<string> Provider(string name, Func<bool>? isAvailable = null, bool mayPassThrough = false) =>
        new(name, new ResiliencePipelineBuilder<string>().Build(), isAvailable) { MayPassThrough = mayPassThrough ? static () => true : null };

    private FailoverExecutor<string> Chain(FailoverBalance balance, int panicThreshold = 0, FailoverBanditOptions? bandit = null, params FailoverProvider<string>[] providers) =>
        new(providers, new FailoverOptions<string> { TimeProvider = _time, Balance = balance, PanicThreshold = panicThreshold, Bandit = bandit ?? new(), Random = new Random(3) });

    private static ValueTask<string> Serve(FailoverAttemptContext attempt) => ValueTask.FromResult(attempt.Provider);

    [Fact]
    public void Default_IsOrdered_WithoutBalancer()
    {
        var chain = new FailoverExecutor<string>([Provider("a"), Provider("b")]);
        Assert.Equal(FailoverBalance.Ordered, chain.Balance);
        Assert.Null(chain.Balancer);
    }

    [Fact]
    public async Task RoundRobin_SpreadsExecutionsInTurn()
    {
        var chain = Chain(FailoverBalance.RoundRobin, providers: [Provider("a"), Provider("b"), Provider("c")]);
        var served = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            served.Add((await chain.ExecuteAsync(Serve)).Provider);
        }

        Assert.Equal(["a", "b", "c", "a", "b", "c"], served);
    }

    [Fact]
    public async Task RoundRobin_FailureFailsOverInTheRotatedOrder()
    {
        var chain = Chain(FailoverBalance.RoundRobin, providers: [Provider("a"), Provider("b"), Provider("c")]);
        await chain.ExecuteAsync(Serve);
        var result = await chain.ExecuteAsync(static a => a.Provider == "b" ? throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable) : ValueTask.FromResult(a.Provider));

        Assert.Equal("c", result.Provider);
        Assert.Equal(["b", "c"], result.Attempts.Select(static a => a.Provider));
    }

    [Fact]
    public async Task RoundRobin_UnavailableProvider_IsSkippedInItsPlaceInTheOrder()
    {
        var chain = Chain(FailoverBalance.RoundRobin, providers: [Provider("a"), Provider("b", static () => false), Provider("c")]);
        await chain.ExecuteAsync(Serve);
        var result = await chain.ExecuteAsync(Serve);

        Assert.Equal("c", result.Provider);
        Assert.Equal([("b", FailoverAttemptKind.Skipped), ("c", FailoverAttemptKind.Success)], result.Attempts.Select(static a => (a.Provider, a.Kind)));
    }

    [Fact]
    public async Task RoundRobin_InPanic_OpenProvidersAreTriedInTheBalancedOrder()
    {
        var chain = Chain(FailoverBalance.RoundRobin, panicThreshold: 100, providers: [Provider("a", static () => false, mayPassThrough: true), Provider("b", static () => false, mayPassThrough: true)]);
        Assert.Equal("a", (await chain.ExecuteAsync(Serve)).Provider);
        Assert.Equal("b", (await chain.ExecuteAsync(Serve)).Provider);

        var refused = await Chain(FailoverBalance.RoundRobin, panicThreshold: 0, providers: [Provider("a", static () => false, mayPassThrough: true), Provider("b", static () => false, mayPassThrough: true)]).ExecuteAsync(Serve);
        Assert.IsType<NoAvailableProviderException>(refused.Outcome.Exception);
    }

    [Fact]
    public async Task LeastBusy_ACallInFlight_SendsTheNextToAnotherProvider_AndCountsItOutWhenDone()
    {
        var chain = Chain(FailoverBalance.LeastBusy, providers: [Provider("a"), Provider("b")]);
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = chain.ExecuteAsync(a => new ValueTask<string>(release.Task)).AsTask();
        Assert.Equal(1, chain.Balancer!.InFlight(0));

        Assert.Equal("b", (await chain.ExecuteAsync(Serve)).Provider);

        release.SetResult("a");
        Assert.Equal("a", (await first.WaitAsync(TimeSpan.FromSeconds(10))).Provider);
        Assert.Equal(0, chain.Balancer.InFlight(0));
        Assert.Equal("a", (await chain.ExecuteAsync(Serve)).Provider);
    }

    [Fact]
    public async Task Bandit_SlowProvider_LosesTheTraffic()
    {
        var chain = Chain(FailoverBalance.Bandit, bandit: new FailoverBanditOptions { LatencyGoal = TimeSpan.FromSeconds(1) }, providers: [Provider("slow"), Provider("fast")]);
        var served = new Dictionary<string, int> { ["slow"] = 0, ["fast"] = 0 };
        for (var i = 0; i < 200; i++)
        {
            var result = await chain.ExecuteAsync(a =>
            {
                _time.Advance(a.Provider == "slow" ? TimeSpan.FromSeconds(4) : TimeSpan.FromMilliseconds(100));
                return ValueTask.FromResult(a.Provider);
            });
            served[result.Provider!]++;
        }

        Assert.True(served["fast"] > 180, $"fast served {served["fast"]} of 200");
    }

    [Fact]
    public async Task Bandit_FailingProvider_LosesTheTraffic_ItsFailuresStillFailOver()
    {
        var chain = Chain(FailoverBalance.Bandit, providers: [Provider("failing"), Provider("good")]);
        var firstTried = new Dictionary<string, int> { ["failing"] = 0, ["good"] = 0 };
        for (var i = 0; i < 200; i++)
        {
            var result = await chain.ExecuteAsync(static a => a.Provider == "failing" ? throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable) : ValueTask.FromResult(a.Provider));
            Assert.Equal("good", result.Provider);
            firstTried[result.Attempts[0].Provider]++;
        }

        Assert.True(firstTried["good"] > 180, $"good tried first {firstTried["good"]} of 200");
    }

    [Fact]
    public async Task Bandit_RecordedCosts_SendTheTrafficToTheCheaperProvider()
    {
        var chain = Chain(FailoverBalance.Bandit, bandit: new FailoverBanditOptions { CostWeight = 1 }, providers: [Provider("dear"), Provider("cheap")]);
        var served = new Dictionary<string, int> { ["dear"] = 0, ["cheap"] = 0 };
        for (var i = 0; i < 200; i++)
        {
            var result = await chain.ExecuteAsync(Serve);
            served[result.Provider!]++;
            chain.RecordCost(result.Provider == "dear" ? 0 : 1, result.Provider == "dear" ? 4 : 1);
        }

        Assert.True(served["cheap"] > 170, $"cheap served {served["cheap"]} of 200");
    }

    [Fact]
    public void RecordCost_OutOfRange_Throws_AndIsIgnoredWithoutBandit()
    {
        var chain = Chain(FailoverBalance.RoundRobin, providers: [Provider("a")]);
        chain.RecordCost(0, 2.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => chain.RecordCost(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => chain.RecordCost(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => chain.RecordCost(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => chain.RecordCost(0, double.NaN));
        new FailoverExecutor<string>([Provider("a")]).RecordCost(0, 1);
    }

    [Fact]
    public void Bandit_OutOfRangeWeight_IsRefusedByTheExecutor()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Chain(FailoverBalance.Bandit, bandit: new FailoverBanditOptions { LatencyWeight = -1 }, providers: [Provider("a")]));
        Assert.Equal("options.Bandit.LatencyWeight", error.ParamName);
    }
}
