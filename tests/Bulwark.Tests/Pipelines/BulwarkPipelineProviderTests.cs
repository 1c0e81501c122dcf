using Bulwark.Bulkhead;
using Bulwark.Configuration;
using Bulwark.Pipelines;
using Bulwark.Tests.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;
using Polly.Telemetry;
using Polly.Timeout;

namespace Bulwark.Tests.Pipelines;

public class BulwarkPipelineProviderTests
{
    private const string Consecutive = """
        { "Bulwark": { "Pipelines": { "default": {
            "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" },
            "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 3, "BreakDuration": "00:00:05" },
            "Bulkhead": { "MaxConcurrency": 4, "QueueLimit": 0 }
        } } } }
        """;

    [Fact]
    public void IssueExample_BuildsAllStrategies_WithHandles()
    {
        using var services = ConfigurationFixture.Services(ConfigurationFixture.IssueExample);
        var pipeline = services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");
        Assert.Equal("default", pipeline.Name);
        Assert.Equal(CircuitState.Closed, pipeline.CircuitBreaker!.State);
        Assert.Equal(200, pipeline.Bulkhead!.MaxConcurrency);
        Assert.Equal(200, pipeline.Bulkhead.QueueLimit);
        Assert.Equal(["default"], services.GetRequiredService<IBulwarkPipelineProvider>().PipelineNames);
    }

    [Fact]
    public void UnknownPipeline_ThrowsWithTheConfiguredNames()
    {
        using var services = ConfigurationFixture.Services(ConfigurationFixture.IssueExample);
        var error = Assert.Throws<KeyNotFoundException>(() => services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("paymnets"));
        Assert.Equal("No Bulwark pipeline named 'paymnets' is configured. Configured pipelines: default.", error.Message);
    }

    [Fact]
    public async Task Instances_HaveTheirOwnBreaker()
    {
        using var services = ConfigurationFixture.Services(Consecutive);
        var provider = services.GetRequiredService<IBulwarkPipelineProvider>();
        var a = provider.GetPipeline("default", "provider-a");
        var b = provider.GetPipeline("default", "provider-b");
        Assert.Same(a, provider.GetPipeline("DEFAULT", "PROVIDER-A"));
        Assert.NotSame(a.CircuitBreaker, b.CircuitBreaker);

        // 3 attempts, all transient failures: a's breaker opens, b's does not move.
        await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await a.ExecuteAsync<int>(_ => throw new HttpRequestException("down", null, System.Net.HttpStatusCode.ServiceUnavailable)));
        Assert.Equal(CircuitState.Open, a.CircuitBreaker!.State);
        Assert.Equal(CircuitState.Closed, b.CircuitBreaker!.State);
        Assert.Equal(42, await b.ExecuteAsync(_ => ValueTask.FromResult(42)));
    }

    [Fact]
    public async Task NonTransientFailure_IsNotRetried_NorCountedByTheBreaker()
    {
        using var services = ConfigurationFixture.Services(Consecutive);
        var pipeline = services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");
        int calls = 0;
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await pipeline.ExecuteAsync<int>(_ => { calls++; throw new InvalidOperationException("bug"); }));
        Assert.Equal(1, calls);
        Assert.Equal(0, pipeline.CircuitBreaker!.GetHealth().WindowFailures);
    }

    [Fact]
    public async Task Fallback_AnswersWhenEveryAttemptFailed()
    {
        using var services = ConfigurationFixture.Services(Consecutive);
        var pipeline = services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");
        int calls = 0;
        string result = await pipeline.ExecuteAsync<string>(
            _ => { calls++; throw new TimeoutRejectedException(); },
            outcome => ValueTask.FromResult($"cached ({outcome.Exception!.GetType().Name})"));
        Assert.Equal("cached (TimeoutRejectedException)", result);
        Assert.Equal(3, calls);

        // An open breaker is a final failure too: the fallback answers without calling.
        string second = await pipeline.ExecuteAsync<string>(_ => { calls++; return ValueTask.FromResult("live"); }, _ => ValueTask.FromResult("cached"));
        Assert.Equal("cached", second);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Fallback_IsNotUsed_ForCallerCancellation()
    {
        using var services = ConfigurationFixture.Services(Consecutive);
        var pipeline = services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await pipeline.ExecuteAsync(t => { t.ThrowIfCancellationRequested(); return ValueTask.FromResult(1); }, _ => ValueTask.FromResult(2), cts.Token));
    }

    [Fact]
    public async Task AttemptTimeout_IsRetried_AndTotalTimeoutBoundsTheCall()
    {
        var time = new FakeTimeProvider();
        using var services = ConfigurationFixture.Services(
            """
            { "Bulwark": { "Pipelines": { "default": {
                "Retry": { "MaxRetries": 5, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" },
                "Timeout": { "Attempt": "00:00:01", "Total": "00:00:02.500" }
            } } } }
            """,
            configure: s => s.AddSingleton<TimeProvider>(time));
        var pipeline = services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");
        int attempts = 0;
        var call = pipeline.ExecuteAsync<int>(async token =>
        {
            Interlocked.Increment(ref attempts);
            await Task.Delay(Timeout.InfiniteTimeSpan, time, token);
            return 1;
        }).AsTask();

        for (int i = 0; i < 3 && !call.IsCompleted; i++)
        {
            await WaitUntil(() => Volatile.Read(ref attempts) == i + 1);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var error = await Assert.ThrowsAsync<TimeoutRejectedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromSeconds(2.5), error.Timeout); // the total timeout fired
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task BulkheadRejection_IsNotRetried()
    {
        using var services = ConfigurationFixture.Services(Consecutive);
        var pipeline = services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");
        var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = Enumerable.Range(0, 4).Select(_ => pipeline.ExecuteAsync(_ => new ValueTask<int>(gate.Task)).AsTask()).ToList();
        await WaitUntil(() => pipeline.Bulkhead!.Active == 4);

        await Assert.ThrowsAsync<BulkheadRejectedException>(async () => await pipeline.ExecuteAsync(_ => ValueTask.FromResult(1)));
        Assert.Equal(1, pipeline.Bulkhead!.RejectedTotal);
        Assert.Equal(CircuitState.Closed, pipeline.CircuitBreaker!.State);
        gate.SetResult(7);
        Assert.All(await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(30)), r => Assert.Equal(7, r));
    }

    [Fact]
    public async Task StrategyEvents_ReachPollysMeter()
    {
        using var services = ConfigurationFixture.Services(Consecutive, configure: s => s.AddLogging());
        var pipeline = services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default", "meter-test");
        using var events = new MetricCollector<int>(null, "Polly", "resilience.polly.strategy.events");

        await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await pipeline.ExecuteAsync<int>(_ => throw new HttpRequestException("refused", null, System.Net.HttpStatusCode.BadGateway)));

        var names = events.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["pipeline.instance"], "meter-test"))
            .Select(m => (string)m.Tags["event.name"]!)
            .ToList();
        Assert.Equal(2, names.Count(n => n == "OnRetry"));
        Assert.Contains("OnCircuitOpened", names);
    }

    [Fact]
    public async Task PollysTelemetryOptions_FromTheContainer_ApplyToThePipelines()
    {
        // An application's Polly telemetry options (here a severity provider) reach Bulwark's pipelines as Polly's own.
        using var services = ConfigurationFixture.Services(Consecutive, configure: s => s
            .AddLogging()
            .Configure<TelemetryOptions>(o => o.SeverityProvider = args => args.Event.EventName == "OnCircuitOpened" ? ResilienceEventSeverity.Debug : args.Event.Severity));
        var pipeline = services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default", "severity-test");
        using var events = new MetricCollector<int>(null, "Polly", "resilience.polly.strategy.events");

        await Assert.ThrowsAsync<HttpRequestException>(async () =>
            await pipeline.ExecuteAsync<int>(_ => throw new HttpRequestException("refused", null, System.Net.HttpStatusCode.BadGateway)));

        var severities = events.GetMeasurementSnapshot()
            .Where(m => Equals(m.Tags["pipeline.instance"], "severity-test"))
            .Select(m => ((string)m.Tags["event.name"]!, (string)m.Tags["event.severity"]!))
            .Distinct()
            .ToList();
        Assert.Contains(("OnCircuitOpened", "Debug"), severities);
        Assert.DoesNotContain(("OnCircuitOpened", "Error"), severities);
        Assert.Contains(("OnRetry", "Warning"), severities);
    }

    [Fact]
    public async Task InvalidConfiguration_StopsTheHostAtStart_WithEveryError()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBulwark(ConfigurationFixture.Section("""
            { "Bulwark": { "Pipelines": { "default": { "Retry": { "MaxRetries": -1 }, "Bulkhead": { "QueueLimit": -5 } } } } }
            """));
        using var host = builder.Build();
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Equal(
            [
                "Bulwark:Pipelines:default:Retry:MaxRetries: -1 is out of range; allowed 0 to 100.",
                "Bulwark:Pipelines:default:Bulkhead:QueueLimit: -5 is out of range; allowed 0 to 100000.",
            ],
            error.Failures);
    }

    [Fact]
    public async Task UnknownKey_IsLoggedAsAWarning_WhenTheHostStarts_Once_BeforeAnyPipelineIsAskedFor()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddFakeLogging();
        builder.Services.AddBulwark(ConfigurationFixture.Section("""
            { "Bulwark": { "Pipelines": { "default": { "Retry": { "MaxRetrys": 3 } } } } }
            """));
        using var host = builder.Build();
        var logs = host.Services.GetFakeLogCollector();

        await host.StartAsync();
        var warning = Assert.Single(logs.GetSnapshot(), static r => r.Id.Id == EventIds.PipelineConfigurationWarning);
        Assert.Equal(
            "Configuration: Bulwark:Pipelines:default:Retry:MaxRetrys: unknown setting, ignored; did you mean 'MaxRetries'?",
            warning.Message);

        // Asking for a pipeline later does not say it again.
        host.Services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");
        Assert.Single(logs.GetSnapshot(), static r => r.Id.Id == EventIds.PipelineConfigurationWarning);
        await host.StopAsync();
    }

    [Fact]
    public void UnknownKey_WithoutAHost_IsLoggedWhenTheProviderIsMade_Once()
    {
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddBulwark(ConfigurationFixture.Section("""
            { "Bulwark": { "Pipelines": { "default": { "Retry": { "MaxRetrys": 3 } } } } }
            """));
        using var provider = services.BuildServiceProvider();
        var logs = provider.GetFakeLogCollector();

        provider.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");
        provider.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");

        Assert.Single(logs.GetSnapshot(), static r => r.Id.Id == EventIds.PipelineConfigurationWarning);
    }

    [Fact]
    public void CodeConfiguration_IsValidatedToo()
    {
        var services = new ServiceCollection();
        services.AddBulwark(o => o.Pipelines["x"] = new BulwarkPipelineOptions { Timeout = new BulwarkTimeoutOptions { Attempt = TimeSpan.Zero } });
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<BulwarkOptions>>().Value);
        Assert.Equal(["Bulwark:Pipelines:x:Timeout:Attempt: 00:00:00 is out of range; allowed 00:00:00.001 to 1.00:00:00."], error.Failures);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 30 s");
            await Task.Yield();
        }
    }
}

public class BulwarkPipelineFactoryPredicateTests
{
    [Fact]
    public async Task BreakerPredicateSetInCode_IsKept()
    {
        var services = new Microsoft.Extensions.DependencyInjection.ServiceCollection();
        services.AddBulwark(o => o.Pipelines["x"] = new Bulwark.Configuration.BulwarkPipelineOptions
        {
            CircuitBreaker = new Bulwark.CircuitBreaker.BulwarkCircuitBreakerStrategyOptions
            {
                Mode = Bulwark.CircuitBreaker.CircuitBreakerMode.ConsecutiveFailures,
                FailureThreshold = 1,
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is InvalidOperationException),
            },
        });
        using var provider = services.BuildServiceProvider();
        var pipeline = provider.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("x");

        // Not transient for the classifier, but the code's predicate says it is a failure: the breaker opens.
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await pipeline.ExecuteAsync<int>(_ => throw new InvalidOperationException()));
        Assert.Equal(Polly.CircuitBreaker.CircuitState.Open, pipeline.CircuitBreaker!.State);
    }
}
