using System.Net;
using Bulwark.Failover;
using Bulwark.Pipelines;
using Bulwark.Tests.Configuration;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.Failover;

/// <summary>
/// <see cref="FailoverOptions{TResult}.PanicThreshold"/>: below it, providers whose breaker is open are tried too, their
/// breaker passed through and not moved; an isolated one never is.
/// </summary>
public class FailoverPanicTests
{
    private const string Config = """
        { "Bulwark": { "Pipelines": { "provider": {
            "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 1, "BreakDuration": "00:00:30", "SuccessThreshold": 1 }
        } } } }
        """;

    [Fact]
    public async Task EveryBreakerOpen_WithoutPanic_NothingIsCalled_WithPanic_EachIsTriedInOrder()
    {
        var (time, services, primary, secondary) = Start();
        using var _ = services;
        await OpenAsync(primary, secondary);
        var openUntil = primary.CircuitBreaker!.GetHealth().OpenUntil;
        var calls = new List<string>();
        ValueTask<string> Call(FailoverAttemptContext attempt)
        {
            calls.Add(attempt.Provider);
            return attempt.Provider == "primary" ? throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable) : ValueTask.FromResult(attempt.Provider);
        }

        var refused = await Chain(time, primary, secondary, panicThreshold: 0).ExecuteAsync(Call);
        Assert.Null(refused.Provider);
        Assert.Empty(calls);

        var served = await Chain(time, primary, secondary, panicThreshold: 50).ExecuteAsync(Call);
        Assert.Equal("secondary", served.Provider);
        Assert.Equal(["primary", "secondary"], calls);

        // Passed through, not probed: the secondary's success does not close its breaker, nor the primary's failure extend its break.
        Assert.Equal(CircuitState.Open, primary.CircuitBreaker!.State);
        Assert.Equal(CircuitState.Open, secondary.CircuitBreaker!.State);
        Assert.Equal(openUntil, primary.CircuitBreaker.GetHealth().OpenUntil);
    }

    /// <summary>
    /// The primary is open and the secondary can serve, so the chain is not in panic and passes the primary over; the
    /// secondary's failure opens its breaker too, and the chain, in panic by then, tries the primary at the end.
    /// </summary>
    [Fact]
    public async Task BreakerOpeningDuringTheExecution_PutsTheChainInPanic_AndThePassedOverProviderIsTriedLast()
    {
        var (time, services, primary, secondary) = Start();
        using var _ = services;
        await OpenAsync(primary);
        var calls = new List<string>();
        ValueTask<string> Call(FailoverAttemptContext attempt)
        {
            calls.Add(attempt.Provider);
            return attempt.Provider == "secondary" ? throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable) : ValueTask.FromResult(attempt.Provider);
        }

        var result = await Chain(time, primary, secondary, panicThreshold: 50).ExecuteAsync(Call);

        Assert.Equal("primary", result.Provider);
        Assert.Equal(["secondary", "primary"], calls);
        Assert.Equal(["primary", "secondary", "primary"], result.Attempts.Select(static a => a.Provider));
        Assert.Equal(FailoverAttemptKind.Skipped, result.Attempts[0].Kind);
        Assert.Equal(CircuitState.Open, secondary.CircuitBreaker!.State);
    }

    [Fact]
    public async Task IsolatedProvider_IsNeverTried_EvenInPanic()
    {
        var (time, services, primary, secondary) = Start();
        using var _ = services;
        await primary.CircuitBreaker!.IsolateAsync();
        await OpenAsync(secondary);
        var calls = new List<string>();

        var result = await Chain(time, primary, secondary, panicThreshold: 100).ExecuteAsync(a => { calls.Add(a.Provider); return ValueTask.FromResult(a.Provider); });

        Assert.Equal("secondary", result.Provider);
        Assert.Equal(["secondary"], calls);
        Assert.Equal(FailoverAttemptKind.Skipped, result.Attempts[0].Kind);
    }

    /// <summary>The chain panics exactly when fewer than the threshold's share of its providers can serve.</summary>
    [Fact]
    public void Panic_ExactlyBelowTheThreshold()
    {
        Gen.Select(Gen.Int[1, 6], Gen.Int[0, 6], Gen.Int[0, 100]).Where(static t => t.Item2 <= t.Item1).Sample(t =>
        {
            var (count, open, threshold) = t;
            var calls = new List<string>();
            var providers = Enumerable.Range(0, count).Select(i =>
            {
                bool isOpen = i < open;
                var pipeline = new Polly.ResiliencePipelineBuilder<string>().Build();
                return new FailoverProvider<string>($"p{i}", pipeline, () => !isOpen) { MayPassThrough = () => isOpen };
            }).ToList();
            var chain = new FailoverExecutor<string>(providers, new FailoverOptions<string> { PanicThreshold = threshold });

            // Every provider fails, so each one the chain tries is called.
            var result = chain.ExecuteAsync<object?>((a, _) => { calls.Add(a.Provider); throw new HttpRequestException("down"); }, null).AsTask().GetAwaiter().GetResult();

            bool panic = (count - open) * 100 < threshold * count;
            Assert.Equal(panic ? count : count - open, calls.Count);
            Assert.Null(result.Provider);
        });
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void Threshold_OutOfRange_IsRefused(int threshold)
    {
        var provider = new FailoverProvider<string>("p", new Polly.ResiliencePipelineBuilder<string>().Build());
        Assert.Throws<ArgumentOutOfRangeException>(() => new FailoverExecutor<string>([provider], new FailoverOptions<string> { PanicThreshold = threshold }));
    }

    private static (FakeTimeProvider Time, ServiceProvider Services, BulwarkPipeline Primary, BulwarkPipeline Secondary) Start()
    {
        var time = new FakeTimeProvider();
        var services = ConfigurationFixture.Services(Config, configure: s => s.AddSingleton<TimeProvider>(time));
        var pipelines = services.GetRequiredService<IBulwarkPipelineProvider>();
        return (time, services, pipelines.GetPipeline("provider", "primary"), pipelines.GetPipeline("provider", "secondary"));
    }

    private static FailoverExecutor<string> Chain(TimeProvider time, BulwarkPipeline primary, BulwarkPipeline secondary, int panicThreshold) =>
        new([FailoverProvider.Create<string>(primary), FailoverProvider.Create<string>(secondary)], new FailoverOptions<string> { TimeProvider = time, PanicThreshold = panicThreshold });

    /// <summary>Opens each pipeline's breaker with one failure.</summary>
    private static async Task OpenAsync(params BulwarkPipeline[] pipelines)
    {
        foreach (var pipeline in pipelines)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => pipeline.Pipeline.ExecuteAsync<string>(static _ => throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable)).AsTask());
            Assert.Equal(CircuitState.Open, pipeline.CircuitBreaker!.State);
        }
    }
}
