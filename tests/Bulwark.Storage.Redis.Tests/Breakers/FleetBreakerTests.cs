using System.Collections.Concurrent;
using System.Diagnostics;
using Bulwark.CircuitBreaker;
using Bulwark.Storage.Redis.Tests.Infrastructure;
using Polly.CircuitBreaker;
using Xunit.Abstractions;
using Bulwark.Tests.Shared;

namespace Bulwark.Storage.Redis.Tests.Breakers;

/// <summary>
/// Three instances of a service, each with its own breaker for one provider, sharing them on a real Redis: what the fleet
/// sends to a provider that dies, how fast the others follow, and how many probes it sends when the provider comes back.
/// </summary>
public sealed class FleetBreakerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ProbeGrace = TimeSpan.FromSeconds(5);
    private readonly ConcurrentQueue<(string Instance, CircuitTransition Transition, long At)> _transitions = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private RedisServer _redis = null!;
    private Upstream _provider = null!;
    private FleetInstance[] _fleet = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _provider = await Upstream.StartAsync();
        _fleet = await Task.WhenAll(new[] { "a", "b", "c" }.Select(id => FleetInstance.StartAsync(_redis.Configuration, _provider.Address, id, ProbeGrace)));
        foreach (var (instance, id) in _fleet.Zip(new[] { "a", "b", "c" }))
        {
            instance.Breaker.StateChanged += (_, t) => _transitions.Enqueue((id, t, _clock.ElapsedMilliseconds));
        }

        await PollAsync(() => _fleet.All(i => i.Sharing.IsConnected), "every instance connected to Redis");
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _fleet)
        {
            await instance.DisposeAsync();
        }

        await _provider.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task ProviderDies_OneInstanceOpens_TheOthersFollowWithin1s_AndTheFleetSendsNoMoreThanOneInstanceAlonePlus5()
    {
        // The fleet was serving before the provider died (connections open, code warm).
        foreach (var instance in _fleet)
        {
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(Outcome.Served, await instance.SendAsync());
            }
        }

        int before = _provider.Calls;
        _provider.Failing = true;

        // Instance a carries most of the traffic and sees the failure first; b and c send one request every 250 ms.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var traffic = new[]
        {
            SendUntilOpenAsync(_fleet[0], TimeSpan.Zero, stop.Token),
            SendUntilOpenAsync(_fleet[1], TimeSpan.FromMilliseconds(250), stop.Token),
            SendUntilOpenAsync(_fleet[2], TimeSpan.FromMilliseconds(250), stop.Token),
        };
        await Task.WhenAll(traffic);

        Assert.All(_fleet, i => Assert.Equal(CircuitState.Open, i.Breaker.State));
        var opened = _transitions.Where(t => t.Transition.To == CircuitState.Open).ToList();
        // Usually a, which carries most of the traffic; on a loaded machine b or c may complete the fleet's run first.
        var first = opened.MinBy(t => t.At);
        Assert.Contains(first.Transition.Reason, new[] { CircuitTransitionReason.ConsecutiveFailures, CircuitTransitionReason.FleetConsecutiveFailures });
        output.WriteLine($"{first.Instance} opened first ({first.Transition.Reason})");
        foreach (var id in new[] { "a", "b", "c" }.Where(id => id != first.Instance))
        {
            // It follows the first (restored from its state), or opens itself: with the fleet's run and its own making the
            // threshold, or (the busy instance, before the first's state reaches it) with its own run alone.
            var follow = opened.First(t => t.Instance == id);
            Assert.Contains(follow.Transition.Reason, new[] { CircuitTransitionReason.Restored, CircuitTransitionReason.FleetConsecutiveFailures, CircuitTransitionReason.ConsecutiveFailures });
            Assert.True(follow.At - first.At <= 1_000, $"{id} opened {follow.At - first.At} ms after {first.Instance}");
            output.WriteLine($"{id} opened {follow.At - first.At} ms after {first.Instance}");
        }

        // One instance alone sends FailureThreshold calls before its breaker opens.
        int calls = _provider.Calls - before;
        output.WriteLine($"calls to the dead provider: {calls}");
        Assert.True(calls <= FleetInstance.FailureThreshold + 5, $"the fleet sent {calls} calls to a dead provider");
    }

    [Fact]
    public async Task ProviderDies_TrafficSpreadEvenly_TheFleetCountsFailuresInARowTogether_AndSendsNoMoreThanOneInstanceAlonePlus5()
    {
        foreach (var instance in _fleet)
        {
            Assert.Equal(Outcome.Served, await instance.SendAsync());
        }

        int before = _provider.Calls;
        _provider.Failing = true;

        // Round robin, each failure's report through before the next call (so the count does not depend on this machine's
        // speed): each instance alone sees a third of the failures (4 + 4 + 4 before any would reach 5 on its own).
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int i = 0;
        for (; !_fleet.Any(f => f.Breaker.State == CircuitState.Open); i++)
        {
            await _fleet[i % 3].SendAsync();
            await _fleet[i % 3].Sharing.FlushAsync(stop.Token);
        }

        int untilFirst = _provider.Calls - before;
        var first = _transitions.Where(t => t.Transition.To == CircuitState.Open).MinBy(t => t.At);
        Assert.Equal(CircuitTransitionReason.FleetConsecutiveFailures, first.Transition.Reason);
        Assert.Equal(FleetInstance.FailureThreshold, untilFirst);

        // The others hear of it through Redis's channel, asynchronously: until they do, each may send a call of its own.
        for (; !_fleet.All(f => f.Breaker.State == CircuitState.Open); i++)
        {
            await _fleet[i % 3].SendAsync();
            await _fleet[i % 3].Sharing.FlushAsync(stop.Token);
        }

        int calls = _provider.Calls - before;
        output.WriteLine($"calls to the dead provider, traffic spread evenly: {untilFirst} until the first opened, {calls} in all");
        Assert.True(calls <= FleetInstance.FailureThreshold + 5, $"the fleet sent {calls} calls to a dead provider");
    }

    [Fact]
    public async Task FailuresBrokenBySuccesses_OnEveryInstance_NeverOpenTheFleetsBreaker()
    {
        // Every other call fails, round robin over three instances: each instance's run never passes 1, the fleet's 3.
        for (int i = 0; i < 60; i++)
        {
            _provider.Failing = i % 2 == 0;
            await _fleet[i % 3].SendAsync();
            await _fleet[i % 3].Sharing.FlushAsync(CancellationToken.None);
        }

        Assert.All(_fleet, f => Assert.Equal(CircuitState.Closed, f.Breaker.State));
        Assert.Empty(_transitions);
    }

    [Fact]
    public async Task ProviderComesBack_AfterTwoFailedProbes_OnlyTheInstanceThatOpenedItProbes_ThenEveryInstanceCloses()
    {
        _provider.Failing = true;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await SendUntilOpenAsync(_fleet[0], TimeSpan.Zero, stop.Token);
        await PollAsync(() => _fleet.All(i => i.Breaker.State == CircuitState.Open), "every instance open");

        // The whole fleet keeps sending every 50 ms; the provider stays down for two break durations, then comes back.
        using var traffic = new CancellationTokenSource();
        var senders = _fleet.Select(i => SendEveryAsync(i, TimeSpan.FromMilliseconds(50), traffic.Token)).ToArray();
        int failedProbesBefore = _transitions.Count(t => t.Transition is { From: CircuitState.HalfOpen, To: CircuitState.Open });
        await PollAsync(() => _transitions.Count(t => t.Transition is { From: CircuitState.HalfOpen, To: CircuitState.Open }) >= failedProbesBefore + 2, "two probes failed while the provider is still down", TimeSpan.FromSeconds(15));
        _provider.Failing = false;
        await PollAsync(() => _fleet.All(i => i.Breaker.State == CircuitState.Closed), "every instance closed", TimeSpan.FromSeconds(15));
        await traffic.CancelAsync();
        await Task.WhenAll(senders);

        var halfOpens = _transitions.Where(t => t.Transition.To == CircuitState.HalfOpen).ToList();
        Assert.All(halfOpens, t => Assert.Equal("a", t.Instance));
        Assert.Equal(3, halfOpens.Count); // two failed probes, one that closed it: one probe per break (HalfOpenMaxCalls = 1)
        foreach (var id in new[] { "b", "c" })
        {
            var closed = _transitions.Last(t => t.Instance == id && t.Transition.To == CircuitState.Closed);
            Assert.Equal(CircuitTransitionReason.Restored, closed.Transition.Reason);
        }
    }

    [Fact]
    public async Task RedisStopsAndComesBack_NoRequestHangs_BreakersGoOnLocally_AndSharingResumes()
    {
        await _redis.StopAsync();
        _provider.Failing = true;
        var slowest = TimeSpan.Zero;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (_fleet[0].Breaker.State != CircuitState.Open)
        {
            var one = Stopwatch.StartNew();
            await _fleet[0].SendAsync();
            slowest = one.Elapsed > slowest ? one.Elapsed : slowest;
            stop.Token.ThrowIfCancellationRequested();
        }

        await _fleet[0].Sharing.FlushAsync(stop.Token);
        Assert.False(_fleet[0].Sharing.IsConnected);
        Assert.NotNull(_fleet[0].Sharing.LastError);
        Assert.Equal(CircuitState.Closed, _fleet[1].Breaker.State); // not shared while Redis was gone
        Assert.True(slowest < TimeSpan.FromMilliseconds(500), $"a request took {slowest} with Redis gone");

        await _redis.RestartAsync();
        _provider.Failing = true;
        await PollAsync(() => _fleet.All(i => i.Redis.IsConnected), "every instance back on Redis", TimeSpan.FromSeconds(20));
        await SendUntilOpenAsync(_fleet[1], TimeSpan.Zero, stop.Token);
        await PollAsync(() => _fleet[2].Breaker.State == CircuitState.Open, "instance c following b after Redis came back", TimeSpan.FromSeconds(10));
    }

    private static async Task SendUntilOpenAsync(FleetInstance instance, TimeSpan pause, CancellationToken cancellationToken)
    {
        while (instance.Breaker.State != CircuitState.Open)
        {
            await instance.SendAsync();
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static async Task SendEveryAsync(FleetInstance instance, TimeSpan pause, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await instance.SendAsync();
            try
            {
                await Task.Delay(pause, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static Task PollAsync(Func<bool> condition, string what, TimeSpan? within = null) => Poll.UntilAsync(condition, what, within);
}
