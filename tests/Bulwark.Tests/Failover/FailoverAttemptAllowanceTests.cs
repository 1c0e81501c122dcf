using Bulwark.Backoff;
using Bulwark.Failover;
using Bulwark.Retry;
using Bulwark.RetryBudget;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace Bulwark.Tests.Failover;

/// <summary>
/// A chain's attempt allowance (<see cref="FailoverOptions{TResult}.MaxAttempts"/>): the attempts of providers that cannot
/// serve go to those that can, and the chain never makes more attempts than the allowance.
/// </summary>
public class FailoverAttemptAllowanceTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task ExecuteAsync_FirstProviderUnavailable_SecondGetsBothShares()
    {
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("dead", RetryPipeline(maxRetries: 3), isAvailable: () => false) { MaxAttempts = 4 },
                new FailoverProvider<int>("live", RetryPipeline(maxRetries: 3)) { MaxAttempts = 4 },
            ],
            new FailoverOptions<int> { TimeProvider = _time, MaxAttempts = 8 });

        var result = await executor.ExecuteAsync(_ => throw new HttpRequestException("refused")).AsTask().WaitAsync(TestTimeout);

        Assert.IsType<HttpRequestException>(result.Outcome.Exception);
        Assert.Equal(8, result.Attempts.Count(a => a.Provider == "live"));
        Assert.Equal(FailoverAttemptKind.Skipped, Assert.Single(result.Attempts, a => a.Provider == "dead").Kind);
    }

    [Fact]
    public async Task ExecuteAsync_NoAllowance_EachProviderMakesItsOwnAttemptsOnly()
    {
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("dead", RetryPipeline(maxRetries: 3), isAvailable: () => false) { MaxAttempts = 4 },
                new FailoverProvider<int>("live", RetryPipeline(maxRetries: 3)) { MaxAttempts = 4 },
            ],
            new FailoverOptions<int> { TimeProvider = _time });

        var result = await executor.ExecuteAsync(_ => throw new HttpRequestException("refused")).AsTask().WaitAsync(TestTimeout);

        Assert.Null(executor.MaxAttempts);
        Assert.Equal(4, result.Attempts.Count(a => a.Provider == "live"));
    }

    [Fact]
    public async Task ExecuteAsync_AllProvidersAvailable_EachKeepsItsOwnShare()
    {
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("a", RetryPipeline(maxRetries: 2)) { MaxAttempts = 3 },
                new FailoverProvider<int>("b", RetryPipeline(maxRetries: 1)) { MaxAttempts = 2 },
            ],
            new FailoverOptions<int> { TimeProvider = _time, MaxAttempts = 5 });

        var result = await executor.ExecuteAsync(_ => throw new HttpRequestException("refused")).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(3, result.Attempts.Count(a => a.Provider == "a"));
        Assert.Equal(2, result.Attempts.Count(a => a.Provider == "b"));
    }

    [Fact]
    public async Task ExecuteAsync_AllowanceBelowTheSum_CapsTheFirstProviderAndKeepsOneForTheNext()
    {
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("a", RetryPipeline(maxRetries: 5)) { MaxAttempts = 6 },
                new FailoverProvider<int>("b", RetryPipeline(maxRetries: 5)) { MaxAttempts = 6 },
            ],
            new FailoverOptions<int> { TimeProvider = _time, MaxAttempts = 4 });

        var result = await executor.ExecuteAsync(_ => throw new HttpRequestException("refused")).AsTask().WaitAsync(TestTimeout);

        // b keeps its own 6 of the 4: a gets the floor of one attempt, and b the remaining three.
        Assert.Equal(1, result.Attempts.Count(a => a.Provider == "a"));
        Assert.Equal(3, result.Attempts.Count(a => a.Provider == "b"));
    }

    [Fact]
    public async Task ExecuteAsync_SharedAttempts_StillNeedTheProvidersRetryBudget()
    {
        // A budget of 2 retries per second (1% of one call adds none): the live provider gets 8 attempts from the allowance but may retry twice.
        var budget = new RetryBudgetOptions { Ratio = 0.01, MinRetriesPerSecond = 2, Window = TimeSpan.FromSeconds(1) };
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("dead", RetryPipeline(maxRetries: 3), isAvailable: () => false) { MaxAttempts = 4 },
                new FailoverProvider<int>("live", RetryPipeline(maxRetries: 3, budget)) { MaxAttempts = 4 },
            ],
            new FailoverOptions<int> { TimeProvider = _time, MaxAttempts = 8 });

        var result = await executor.ExecuteAsync(_ => throw new HttpRequestException("refused")).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(3, result.Attempts.Count(a => a.Provider == "live"));
    }

    [Fact]
    public async Task ExecuteAsync_LaterProviderBecomesAvailableMidChain_StaysWithinTheAllowance()
    {
        // b's breaker lets a probe through while a is still retrying: b was given nothing when a's share was set.
        bool bAvailable = false;
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("a", RetryPipeline(maxRetries: 3)) { MaxAttempts = 4 },
                new FailoverProvider<int>("b", RetryPipeline(maxRetries: 3), isAvailable: () => bAvailable) { MaxAttempts = 4 },
            ],
            new FailoverOptions<int> { TimeProvider = _time, MaxAttempts = 8 });

        var result = await executor.ExecuteAsync(context =>
        {
            bAvailable |= context.Provider == "a" && context.AttemptNumber == 2;
            throw new HttpRequestException("refused");
        }).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(8, result.Attempts.Count(a => a.Kind != FailoverAttemptKind.Skipped));
        Assert.Equal(7, result.Attempts.Count(a => a.Provider == "a"));
        Assert.Equal(1, result.Attempts.Count(a => a.Provider == "b"));
    }

    [Fact]
    public async Task ExecuteAsync_ProviderConfiguredWithoutRetries_MakesOneAttemptWhateverItIsHanded()
    {
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("dead", RetryPipeline(maxRetries: 3), isAvailable: () => false) { MaxAttempts = 4 },
                new FailoverProvider<int>("once", RetryPipeline(maxRetries: 0)),
            ],
            new FailoverOptions<int> { TimeProvider = _time, MaxAttempts = 5 });

        var result = await executor.ExecuteAsync(_ => throw new HttpRequestException("refused")).AsTask().WaitAsync(TestTimeout);

        Assert.Equal(1, result.Attempts.Count(a => a.Provider == "once"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1001)]
    public void Constructor_AllowanceOutOfRange_Throws(int maxAttempts)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new FailoverExecutor<int>(
            [new FailoverProvider<int>("a", RetryPipeline(0)), new FailoverProvider<int>("b", RetryPipeline(0))],
            new FailoverOptions<int> { MaxAttempts = maxAttempts }));
        Assert.Equal("options.MaxAttempts", exception.ParamName);
    }

    [Fact]
    public void MaxAttempts_BelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FailoverProvider<int>("a", RetryPipeline(0)) { MaxAttempts = 0 });
    }

    /// <summary>
    /// The trace of the issue that asked for the allowance: of two providers with <c>MaxRetries: 3</c>, one is dead (its
    /// breaker open, so skipped) and the other fails 15% of calls. Without the allowance a request fails when four
    /// attempts fail (0.15^4, about 5 in 10,000); with it, when eight do (0.15^8, about 3 in 10,000,000).
    /// </summary>
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 0)]
    public async Task ExecuteAsync_OneDeadProviderOtherFailing15Percent_AllowanceKeepsTheSuccessRate(bool withAllowance, int minimumExpectedFailures)
    {
        const int Requests = 20_000;
        var random = new Random(20261206);
        var executor = new FailoverExecutor<int>(
            [
                new FailoverProvider<int>("dead", RetryPipeline(maxRetries: 3), isAvailable: () => false) { MaxAttempts = 4 },
                new FailoverProvider<int>("flaky", RetryPipeline(maxRetries: 3)) { MaxAttempts = 4 },
            ],
            new FailoverOptions<int> { TimeProvider = _time, MaxAttempts = withAllowance ? 8 : null });

        var failures = 0;
        for (var i = 0; i < Requests; i++)
        {
            var result = await executor.ExecuteAsync(
                static (_, rng) => rng.NextDouble() < 0.15 ? throw new HttpRequestException("503") : ValueTask.FromResult(200),
                random);
            failures += result.Outcome.Exception is null ? 0 : 1;
        }

        if (withAllowance)
        {
            Assert.Equal(0, failures);
        }
        else
        {
            // The seed gives the expected handful; the point is that the same trace fails without the allowance.
            Assert.InRange(failures, minimumExpectedFailures, 40);
        }
    }

    [Fact]
    public void ExecuteAsync_AnyAvailabilityAndFailures_NeverExceedsTheAllowanceAndTriesEveryAvailableProvider()
    {
        var gen = Gen.Select(
            Gen.Select(Gen.Int[0, 4], Gen.Bool).Array[1, 4],
            Gen.Int[0, 12],
            Gen.Int[0, 100]);

        gen.Sample(
            sample =>
            {
                var (providers, extra, failurePercent) = sample;
                var allowance = providers.Length + extra;
                var random = new Random(failurePercent * 31 + allowance);
                var executor = new FailoverExecutor<int>(
                    providers.Select((p, i) => new FailoverProvider<int>($"p{i}", RetryPipeline(p.Item1), p.Item2 ? null : () => false) { MaxAttempts = p.Item1 + 1 }),
                    new FailoverOptions<int> { TimeProvider = _time, MaxAttempts = allowance });

                var result = executor.ExecuteAsync(
                    (_, rng) => rng.Next(100) < failurePercent ? throw new HttpRequestException("503") : ValueTask.FromResult(200),
                    random).AsTask().GetAwaiter().GetResult();

                var made = result.Attempts.Count(a => a.Kind != FailoverAttemptKind.Skipped);
                Assert.True(made <= allowance, $"{made} attempts for an allowance of {allowance}");
                if (result.Outcome.Exception is not null)
                {
                    // A failed chain tried every provider that was available.
                    for (var i = 0; i < providers.Length; i++)
                    {
                        var kinds = result.Attempts.Where(a => a.Provider == $"p{i}").Select(a => a.Kind).ToList();
                        Assert.True(providers[i].Item2 ? kinds.All(k => k != FailoverAttemptKind.Skipped) && kinds.Count > 0 : kinds.SequenceEqual([FailoverAttemptKind.Skipped]));
                    }
                }
            },
            iter: 300,
            threads: 1);
    }

    private ResiliencePipeline<int> RetryPipeline(int maxRetries, RetryBudgetOptions? budget = null) =>
        new ResiliencePipelineBuilder<int> { TimeProvider = _time }
            .AddBulwarkRetry(new BulwarkRetryStrategyOptions<int>
            {
                MaxRetries = maxRetries,
                BaseDelay = TimeSpan.Zero,
                Jitter = JitterMode.None,
                Budget = budget,
            })
            .Build();
}
