using Bulwark.Classification;
using Bulwark.Failover;
using Bulwark.Pipelines;
using Bulwark.Tests.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Bulwark.Tests.Failover;

public class FailoverWithBreakerTests
{
    private const string Config = """
        { "Bulwark": { "Pipelines": { "provider": {
            "Retry": { "MaxRetries": 1, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" },
            "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 2, "BreakDuration": "00:00:05", "SuccessThreshold": 1 }
        } } } }
        """;

    [Fact]
    public async Task OpenBreaker_IsSkipped_ThenProbedOnceItsBreakElapses()
    {
        var time = new FakeTimeProvider();
        using var services = ConfigurationFixture.Services(Config, configure: s => s.AddSingleton<TimeProvider>(time));
        var pipelines = services.GetRequiredService<IBulwarkPipelineProvider>();
        var primary = pipelines.GetPipeline("provider", "primary");
        var secondary = pipelines.GetPipeline("provider", "secondary");
        var chain = new FailoverExecutor<string>(
            [FailoverProvider.Create<string>(primary), FailoverProvider.Create<string>(secondary)],
            new FailoverOptions<string> { TimeProvider = time });
        bool primaryUp = false;
        var calls = new List<string>();

        ValueTask<string> Call(FailoverAttemptContext attempt)
        {
            calls.Add(attempt.Provider);
            return attempt.Provider == "primary" && !primaryUp
                ? throw new HttpRequestException("refused", null, System.Net.HttpStatusCode.ServiceUnavailable)
                : ValueTask.FromResult(attempt.Provider);
        }

        // Primary fails twice (its retry), its breaker opens, secondary serves.
        var first = await chain.ExecuteAsync(Call);
        Assert.Equal("secondary", first.Provider);
        Assert.Equal(["primary", "primary", "secondary"], calls);
        Assert.Equal(CircuitState.Open, primary.CircuitBreaker!.State);

        // While open, primary is skipped without a call.
        calls.Clear();
        var second = await chain.ExecuteAsync(Call);
        Assert.Equal("secondary", second.Provider);
        Assert.Equal(["secondary"], calls);
        Assert.Contains(second.Attempts, a => a.Provider == "primary" && a.Kind == FailoverAttemptKind.Skipped);

        // Once the break elapses, primary (now healthy) gets the probe, which closes its breaker.
        primaryUp = true;
        time.Advance(TimeSpan.FromSeconds(5));
        calls.Clear();
        var third = await chain.ExecuteAsync(Call);
        Assert.Equal("primary", third.Provider);
        Assert.Equal(["primary"], calls);
        Assert.Equal(CircuitState.Closed, primary.CircuitBreaker.State);
    }
}

public class FailoverValueTypeResultTests
{
    private const string Config = """
        { "Bulwark": { "Pipelines": { "provider": {
            "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" }
        } } } }
        """;

    [Fact]
    public async Task ValueTypeResults_ThroughABulwarkPipeline_ComeBackUnchangedWithEveryAttemptRecorded()
    {
        using var services = ConfigurationFixture.Services(Config);
        var pipelines = services.GetRequiredService<IBulwarkPipelineProvider>();
        var chain = new FailoverExecutor<int>([FailoverProvider.Create<int>(pipelines.GetPipeline("provider", "primary"))]);
        int calls = 0;

        // Fails once (retried by the pipeline's retry), then answers 0: the type's default must survive as a result.
        var result = await chain.ExecuteAsync(_ => ++calls == 1
            ? throw new HttpRequestException("refused", null, System.Net.HttpStatusCode.ServiceUnavailable)
            : ValueTask.FromResult(0));

        Assert.Null(result.Outcome.Exception);
        Assert.Equal(0, result.Outcome.Result);
        Assert.Equal("primary", result.Provider);
        Assert.Equal(2, calls);
        Assert.Equal(2, result.Attempts.Count);
    }
}

public class FailoverNonReplayableTests
{
    [Theory]
    [InlineData(true, new[] { "a", "b" })] // replayable: fails over
    [InlineData(false, new[] { "a" })] // a 503 reached provider a: a write is not sent to b
    public async Task NonReplayable_DoesNotFailOver_AfterADeliveredFailure(bool replayable, string[] expected)
    {
        var chain = new FailoverExecutor<int>(
            [new FailoverProvider<int>("a", Polly.ResiliencePipeline<int>.Empty), new FailoverProvider<int>("b", Polly.ResiliencePipeline<int>.Empty)]);
        var calls = new List<string>();
        var result = await chain.ExecuteAsync(
            static (attempt, calls) =>
            {
                calls.Add(attempt.Provider);
                return attempt.Provider == "a"
                    ? throw new HttpRequestException("unavailable", null, System.Net.HttpStatusCode.ServiceUnavailable)
                    : ValueTask.FromResult(1);
            },
            calls,
            replayable ? ReplayCondition.Always : ReplayCondition.NotProcessed,
            CancellationToken.None);
        Assert.Equal(expected, calls);
        Assert.Equal(replayable ? "b" : "a", result.Provider);
    }

    [Fact]
    public async Task NonReplayable_FailsOver_WhenTheConnectionWasRefused()
    {
        var chain = new FailoverExecutor<int>(
            [new FailoverProvider<int>("a", Polly.ResiliencePipeline<int>.Empty), new FailoverProvider<int>("b", Polly.ResiliencePipeline<int>.Empty)]);
        var result = await chain.ExecuteAsync(
            static (attempt, _) => attempt.Provider == "a"
                ? throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused))
                : ValueTask.FromResult(2),
            0,
            ReplayCondition.NotProcessed,
            CancellationToken.None);
        Assert.Equal("b", result.Provider);
        Assert.Equal(2, result.Outcome.Result);
    }
}
