using System.Collections.Concurrent;
using System.Diagnostics;
using Bulwark.CircuitBreaker;
using Bulwark.Pipelines;
using Bulwark.SharedState;
using Bulwark.Storage.Redis.Breakers;
using Bulwark.Storage.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;
using StackExchange.Redis;
using Bulwark.Tests.Shared;

namespace Bulwark.Storage.Redis.Tests.Breakers;

/// <summary>The exchange on a real Redis, and how a sharing instance applies what other instances publish.</summary>
public sealed class RedisCircuitBreakerStateExchangeTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow;
    private RedisServer _redis = null!;
    private RedisConnection _connection = null!;
    private RedisCircuitBreakerStateExchange _exchange = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = RedisConnection.Create(new RedisSharedStateOptions { Configuration = _redis.Configuration });
        _exchange = new RedisCircuitBreakerStateExchange(_connection);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Publish_KeepsOnlyTheNewestStatePerBreaker_TellsSubscribers_AndSkipsMessagesItCannotRead()
    {
        var received = new ConcurrentQueue<SharedBreakerState>();
        await using var other = RedisConnection.Create(new RedisSharedStateOptions { Configuration = _redis.Configuration });
        await new RedisCircuitBreakerStateExchange(other).SubscribeAsync(received.Enqueue, static () => { }, CancellationToken.None);

        await _exchange.PublishAsync(State("default/openai", "a", CircuitState.Open, T0.AddSeconds(1)), CancellationToken.None);
        await _exchange.PublishAsync(State("DEFAULT/OPENAI", "b", CircuitState.Closed, T0), CancellationToken.None);   // older: dropped
        var subscriber = ConnectionMultiplexer.Connect(_redis.Configuration);
        await subscriber.GetSubscriber().PublishAsync(RedisChannel.Literal("bulwark:breakers"), "not a state");
        await _exchange.PublishAsync(State("default/anthropic", "b", CircuitState.Isolated, T0), CancellationToken.None);
        await PollAsync(() => received.Count >= 2);

        Assert.Equal(["a", "b"], received.Select(s => s.Origin));
        Assert.Equal(CircuitState.Open, received.First().Snapshot.State);
        var loaded = (await _exchange.LoadAsync(CancellationToken.None)).OrderBy(s => s.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(2, loaded.Count);
        Assert.Equal(State("default/anthropic", "b", CircuitState.Isolated, T0), loaded[0]);
        Assert.Equal(State("default/openai", "a", CircuitState.Open, T0.AddSeconds(1)), loaded[1]);
        await subscriber.DisposeAsync();
    }

    [Fact]
    public void Validate_ListsEveryProblem_WithoutTheConfigurationString()
    {
        var problems = RedisConnection.Validate(new RedisSharedStateOptions { Configuration = "password=hunter2-secret", KeyPrefix = "two words", OperationTimeout = TimeSpan.FromMinutes(1) });

        Assert.Equal(3, problems.Count);
        Assert.Contains("names no endpoint", problems[0], StringComparison.Ordinal);
        Assert.Contains("key prefix must be 1 to 100 characters without whitespace", problems[1], StringComparison.Ordinal);
        Assert.Contains("operation timeout must be in [00:00:00.1000000, 00:00:30]; it is 00:01:00", problems[2], StringComparison.Ordinal);
        Assert.DoesNotContain(problems, p => p.Contains("hunter2", StringComparison.Ordinal));
        Assert.Contains("is required", Assert.Single(RedisConnection.Validate(new RedisSharedStateOptions())), StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddBulwarkRedisBreakerSharing(o => o.Configuration = ""));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(301)]
    public void ProbeGrace_OutOfRange_IsRefused(int seconds)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CircuitBreakerStateSharing(
            _exchange, Microsoft.Extensions.Options.Options.Create(new CircuitBreakerSharingOptions { ProbeGrace = TimeSpan.FromSeconds(seconds) })));

        Assert.Contains("ProbeGrace must be from 0 to 00:05:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InstanceId_IsTheConfiguredOne_OrUniquePerInstance_AndAtMost100Characters()
    {
        var configured = Microsoft.Extensions.Options.Options.Create(new CircuitBreakerSharingOptions { InstanceId = "eu-1" });
        string first = new CircuitBreakerStateSharing(_exchange, configured).InstanceId;
        Assert.StartsWith("eu-1-", first, StringComparison.Ordinal);
        Assert.NotEqual(first, new CircuitBreakerStateSharing(_exchange, configured).InstanceId); // replicas with one configuration
        var a = new CircuitBreakerStateSharing(_exchange).InstanceId;
        var b = new CircuitBreakerStateSharing(_exchange).InstanceId;
        Assert.NotEqual(a, b);
        Assert.InRange(a.Length, 14, 100); // host-pid-12 random hex characters
        Assert.Throws<ArgumentOutOfRangeException>(() => new CircuitBreakerStateSharing(_exchange, Microsoft.Extensions.Options.Options.Create(new CircuitBreakerSharingOptions { InstanceId = new string('x', 101) })));
    }

    [Fact]
    public async Task Start_WhenRedisIsDown_DoesNotThrowNorHang_AndSaysWhy()
    {
        await _redis.StopAsync();
        await using var sharing = new CircuitBreakerStateSharing(_exchange);
        var clock = Stopwatch.StartNew();

        await sharing.StartAsync(CancellationToken.None);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.False(sharing.IsConnected);
        Assert.StartsWith("Redis could not", sharing.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStateFromAnotherInstance_OpensTheLocalBreakerUntilItsOpenUntilPlusTheProbeGrace_AndAnOlderOneIsIgnored()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var instance = await FleetInstance.StartAsync(_redis.Configuration, upstream.Address, "m", TimeSpan.FromSeconds(5));
        var now = DateTimeOffset.UtcNow;

        await _exchange.PublishAsync(State("default/provider", "x", CircuitState.Open, now, openUntil: now.AddSeconds(30)), CancellationToken.None);
        await PollAsync(() => instance.Breaker.State == CircuitState.Open);
        var snapshot = instance.Breaker.CreateSnapshot();
        Assert.InRange(snapshot.OpenUntil!.Value, now.AddSeconds(34), now.AddSeconds(36));

        // An older "closed" (a message overtaken by the open) does not close it; a newer one does.
        await _exchange.PublishAsync(State("default/provider", "y", CircuitState.Closed, now.AddSeconds(-1)), CancellationToken.None);
        await instance.Sharing.FlushAsync(CancellationToken.None);
        Assert.Equal(CircuitState.Open, instance.Breaker.State);
        await _exchange.PublishAsync(State("default/provider", "y", CircuitState.Closed, now.AddSeconds(1)), CancellationToken.None);
        await PollAsync(() => instance.Breaker.State == CircuitState.Closed);
    }

    [Fact]
    public async Task TwoInstancesOpenAtOnce_TheSmallerIdKeepsItsBreak_TheOtherFollows()
    {
        await using var upstream = await Upstream.StartAsync();
        upstream.Failing = true;
        await using var instance = await FleetInstance.StartAsync(_redis.Configuration, upstream.Address, "m", TimeSpan.FromSeconds(5));
        while (instance.Breaker.State != CircuitState.Open)
        {
            await instance.SendAsync();
        }

        var own = instance.Breaker.CreateSnapshot().OpenUntil!.Value;

        // "z" > "m": this instance keeps its own break (it probes). A marker published after it on another breaker shows
        // when it has been handled: states are applied in the order Redis delivers them.
        var marker = instance.Services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default", "marker").CircuitBreaker!;
        await _exchange.PublishAsync(State("default/provider", "z", CircuitState.Open, DateTimeOffset.UtcNow.AddMilliseconds(1), openUntil: own.AddSeconds(20)), CancellationToken.None);
        await _exchange.PublishAsync(State("default/marker", "z", CircuitState.Isolated, DateTimeOffset.UtcNow), CancellationToken.None);
        await PollAsync(() => marker.State == CircuitState.Isolated);
        Assert.Equal(own, instance.Breaker.CreateSnapshot().OpenUntil);

        // "a" < "m": this instance follows a's break, plus the grace.
        var theirs = own.AddSeconds(10);
        await _exchange.PublishAsync(State("default/provider", "a", CircuitState.Open, DateTimeOffset.UtcNow.AddMilliseconds(2), openUntil: theirs), CancellationToken.None);
        await PollAsync(() => instance.Breaker.CreateSnapshot().OpenUntil > own);
        Assert.Equal(theirs.AddSeconds(5), instance.Breaker.CreateSnapshot().OpenUntil!.Value, TimeSpan.FromMilliseconds(2));
    }

    [Fact]
    public async Task AStateForABreakerNotBuiltYet_IsAppliedWhenItIsBuilt()
    {
        await using var upstream = await Upstream.StartAsync();
        await _exchange.PublishAsync(State("default/later", "x", CircuitState.Isolated, DateTimeOffset.UtcNow), CancellationToken.None);
        await using var instance = await FleetInstance.StartAsync(_redis.Configuration, upstream.Address, "m", TimeSpan.FromSeconds(5));
        await instance.Sharing.FlushAsync(CancellationToken.None);

        var later = instance.Services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default", "later");

        await PollAsync(() => later.CircuitBreaker!.State == CircuitState.Isolated);
    }

    private static SharedBreakerState State(string key, string origin, CircuitState state, DateTimeOffset at, DateTimeOffset? openUntil = null)
    {
        // Redis keeps times in whole milliseconds.
        var takenAt = DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
        return new(key, origin, new CircuitBreakerSnapshot(
            state,
            state == CircuitState.Open ? openUntil is { } u ? DateTimeOffset.FromUnixTimeMilliseconds(u.ToUnixTimeMilliseconds()) : takenAt.AddSeconds(5) : null,
            state == CircuitState.Closed ? 0 : 1,
            0.05,
            10,
            takenAt,
            state == CircuitState.Closed ? CircuitTransitionReason.BreakDurationElapsed : CircuitTransitionReason.ConsecutiveFailures,
            takenAt));
    }

    private static Task PollAsync(Func<bool> condition) => Poll.UntilAsync(condition, "the shared state to be applied");
}
