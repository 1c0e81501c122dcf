using Bulwark.Backoff;
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.Retry;

namespace Bulwark.Tests.Backoff;

public class BackoffDelayGeneratorTests
{
    [Fact]
    public async Task Create_ExponentialNoJitter_ReturnsDoublingDelaysCapped()
    {
        var generator = BackoffDelayGenerator.Create<int>(BackoffType.Exponential, JitterMode.None, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));
        var context = ResilienceContextPool.Shared.Get();

        var delays = new List<TimeSpan?>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            delays.Add(await generator(new RetryDelayGeneratorArguments<int>(context, Outcome.FromResult(0), attempt)));
        }

        ResilienceContextPool.Shared.Return(context);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(500)], delays);
    }

    [Fact]
    public async Task Create_Decorrelated_UsesPreviousDelayOfSameExecution()
    {
        // r = 1: each delay is three times the previous one, starting from base.
        var generator = BackoffDelayGenerator.Create<int>(BackoffType.Exponential, JitterMode.Decorrelated, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), randomSource: () => 1.0);
        var first = ResilienceContextPool.Shared.Get();
        var second = ResilienceContextPool.Shared.Get();

        var d0 = await generator(new RetryDelayGeneratorArguments<int>(first, Outcome.FromResult(0), 0));
        var d1 = await generator(new RetryDelayGeneratorArguments<int>(first, Outcome.FromResult(0), 1));
        var other = await generator(new RetryDelayGeneratorArguments<int>(second, Outcome.FromResult(0), 0));
        var d2 = await generator(new RetryDelayGeneratorArguments<int>(first, Outcome.FromResult(0), 2));
        var d3 = await generator(new RetryDelayGeneratorArguments<int>(first, Outcome.FromResult(0), 3));

        Assert.Equal(TimeSpan.FromMilliseconds(300), d0);
        Assert.Equal(TimeSpan.FromMilliseconds(900), d1);
        Assert.Equal(TimeSpan.FromMilliseconds(300), other);
        Assert.Equal(TimeSpan.FromSeconds(2), d2);
        Assert.Equal(TimeSpan.FromSeconds(2), d3);
    }

    [Fact]
    public async Task Create_OnPollyRetry_PollyWaitsGeneratedDelays()
    {
        var time = new FakeTimeProvider();
        var delays = new List<TimeSpan>();
        var pipeline = new ResiliencePipelineBuilder<int> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<int>
            {
                MaxRetryAttempts = 3,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Result < 0),
                DelayGenerator = BackoffDelayGenerator.Create<int>(BackoffType.Linear, JitterMode.None, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)),
                OnRetry = args =>
                {
                    delays.Add(args.RetryDelay);
                    return default;
                },
            })
            .Build();

        var calls = 0;
        var execution = pipeline.ExecuteAsync(_ => ValueTask.FromResult(++calls < 4 ? -1 : 1)).AsTask();

        // Step the clock until Polly has waited every delay; continuations may run on other threads.
        for (var step = 0; step < 10_000 && !execution.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        Assert.Equal(1, await execution.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)], delays);
    }
}
