using System.Net;
using Bulwark.CircuitBreaker;
using Bulwark.Configuration;
using Bulwark.Pipelines;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Bulwark.Storage.Sqlite.Tests.CircuitBreaker;

/// <summary>
/// Two "process lifetimes" on one SQLite file: a breaker opened in the first is still open in the second, until the same
/// open-until, and then lets exactly one probe through.
/// </summary>
public sealed class BreakerStateAcrossRestartsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenBreaker_SurvivesARestart_UntilItsOpenUntil_ThenExactlyOneProbe(bool pipelineBuiltBeforeStart)
    {
        // Lifetime 1: trip the breaker, stop (which flushes the last transitions).
        var time1 = new FakeTimeProvider(T0);
        using (var host = BuildHost(time1, "payments"))
        {
            await host.StartAsync();
            var pipeline = Provider(host).GetPipeline("payments");
            for (int i = 0; i < 2; i++)
            {
                await Assert.ThrowsAsync<HttpRequestException>(async () => await pipeline.ExecuteAsync<int>(_ => throw Unavailable()));
            }

            Assert.Equal(CircuitState.Open, pipeline.CircuitBreaker!.State);
            Assert.Equal(T0.AddSeconds(30), pipeline.CircuitBreaker.GetHealth().OpenUntil);
            await host.StopAsync();
        }

        SqliteConnection.ClearAllPools();
        var saved = (await _database.Open().LoadBreakerStatesAsync(CancellationToken.None))["payments/payments"];
        Assert.Equal((CircuitState.Open, T0.AddSeconds(30)), (saved.State, saved.OpenUntil));

        // Lifetime 2, ten seconds later.
        var time2 = new FakeTimeProvider(T0.AddSeconds(10));
        using (var host = BuildHost(time2, "payments"))
        {
            BulwarkPipeline pipeline;
            if (pipelineBuiltBeforeStart)
            {
                pipeline = Provider(host).GetPipeline("payments");
                Assert.Equal(CircuitState.Closed, pipeline.CircuitBreaker!.State);
                await host.StartAsync();
            }
            else
            {
                await host.StartAsync();
                pipeline = Provider(host).GetPipeline("payments");
            }

            var breaker = pipeline.CircuitBreaker!;
            Assert.Equal(CircuitState.Open, breaker.State);
            Assert.Equal(T0.AddSeconds(30), breaker.GetHealth().OpenUntil);

            int calls = 0;
            var rejected = await Assert.ThrowsAsync<BulwarkBrokenCircuitException>(async () =>
                await pipeline.ExecuteAsync(_ => { Interlocked.Increment(ref calls); return ValueTask.FromResult(1); }));
            Assert.Equal(TimeSpan.FromSeconds(20), rejected.RetryAfter);
            Assert.Equal(0, calls);

            time2.Advance(TimeSpan.FromSeconds(20));
            var gate = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var probe = pipeline.ExecuteAsync(async _ => { Interlocked.Increment(ref calls); return await gate.Task; }).AsTask();
            await Assert.ThrowsAnyAsync<BrokenCircuitException>(async () =>
                await pipeline.ExecuteAsync(_ => { Interlocked.Increment(ref calls); return ValueTask.FromResult(2); }));
            Assert.Equal(1, calls);
            Assert.Equal(CircuitState.HalfOpen, breaker.State);

            gate.SetResult(7);
            Assert.Equal(7, await probe.WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Equal(CircuitState.Closed, breaker.State);
            await host.StopAsync();

            var log = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1101);
            Assert.Equal(
                pipelineBuiltBeforeStart
                    ? "Circuit breaker state restored for 1 breaker(s), 0 more when their pipeline is first used; 0 saved state(s) belong to pipelines no longer configured and were ignored"
                    : "Circuit breaker state restored for 0 breaker(s), 1 more when their pipeline is first used; 0 saved state(s) belong to pipelines no longer configured and were ignored",
                log.Message);
        }

        // The closing probe was saved too: a third lifetime starts closed.
        SqliteConnection.ClearAllPools();
        Assert.Equal(CircuitState.Closed, (await _database.Open().LoadBreakerStatesAsync(CancellationToken.None))["payments/payments"].State);
    }

    [Fact]
    public async Task SavedStateOfAPipelineNoLongerConfigured_IsIgnoredAndLogged()
    {
        await _database.Open().SaveBreakerStateAsync(
            "retired/retired",
            new CircuitBreakerSnapshot(CircuitState.Open, T0.AddMinutes(1), 1, 0, 0, T0, CircuitTransitionReason.ConsecutiveFailures, T0),
            CancellationToken.None);

        using var host = BuildHost(new FakeTimeProvider(T0), "payments");
        await host.StartAsync();
        var pipeline = Provider(host).GetPipeline("payments");

        Assert.Equal(CircuitState.Closed, pipeline.CircuitBreaker!.State);
        Assert.Equal(1, await pipeline.ExecuteAsync(_ => ValueTask.FromResult(1)));
        await host.StopAsync();
        var log = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1101);
        Assert.Equal("Circuit breaker state restored for 0 breaker(s), 0 more when their pipeline is first used; 1 saved state(s) belong to pipelines no longer configured and were ignored", log.Message);
    }

    [Fact]
    public async Task SavedStateTheBreakerRejects_StartsClosed_AndIsLogged()
    {
        // Written by hand or by a damaged disk: a failure rate of 2 is not a rate.
        await _database.Open().SaveBreakerStateAsync(
            "payments/payments",
            new CircuitBreakerSnapshot(CircuitState.Open, T0.AddMinutes(1), 1, 2.0, 10, T0, CircuitTransitionReason.ConsecutiveFailures, T0),
            CancellationToken.None);

        using var host = BuildHost(new FakeTimeProvider(T0), "payments");
        await host.StartAsync();
        var pipeline = Provider(host).GetPipeline("payments");

        Assert.Equal(CircuitState.Closed, pipeline.CircuitBreaker!.State);
        Assert.Equal(1, await pipeline.ExecuteAsync(_ => ValueTask.FromResult(1)));
        await host.StopAsync();
        var log = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1103);
        Assert.StartsWith("Circuit breaker payments/payments: the saved state was rejected (", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsolatedBreaker_ComesBackOpen_ForAtMostMaxBreakDuration_ThenProbes()
    {
        using (var host = BuildHost(new FakeTimeProvider(T0), "payments"))
        {
            await host.StartAsync();
            await Provider(host).GetPipeline("payments").CircuitBreaker!.IsolateAsync();
            await host.StopAsync();
        }

        SqliteConnection.ClearAllPools();
        Assert.Equal(CircuitState.Isolated, (await _database.Open().LoadBreakerStatesAsync(CancellationToken.None))["payments/payments"].State);

        var time = new FakeTimeProvider(T0.AddHours(1));
        using (var host = BuildHost(time, "payments"))
        {
            await host.StartAsync();
            var pipeline = Provider(host).GetPipeline("payments");
            Assert.Equal(CircuitState.Open, pipeline.CircuitBreaker!.State);
            Assert.Equal(time.GetUtcNow() + TimeSpan.FromMinutes(2), pipeline.CircuitBreaker.GetHealth().OpenUntil);
            await Assert.ThrowsAsync<BulwarkBrokenCircuitException>(async () => await pipeline.ExecuteAsync(_ => ValueTask.FromResult(1)));

            time.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(1, await pipeline.ExecuteAsync(_ => ValueTask.FromResult(1)));
            Assert.Equal(CircuitState.Closed, pipeline.CircuitBreaker.State);
            await host.StopAsync();
        }
    }

    private static HttpRequestException Unavailable() => new("down", null, HttpStatusCode.ServiceUnavailable);

    private static IBulwarkPipelineProvider Provider(IHost host) => host.Services.GetRequiredService<IBulwarkPipelineProvider>();

    private IHost BuildHost(FakeTimeProvider time, string pipelineName)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddFakeLogging();
        builder.Services.AddBulwark(o => o.Pipelines[pipelineName] = new BulwarkPipelineOptions
        {
            CircuitBreaker = new BulwarkCircuitBreakerStrategyOptions
            {
                Mode = CircuitBreakerMode.ConsecutiveFailures,
                FailureThreshold = 2,
                BreakDuration = TimeSpan.FromSeconds(30),
                BreakDurationGrowthFactor = 1,
                MaxBreakDuration = TimeSpan.FromMinutes(2),
                HalfOpenMaxCalls = 1,
                SuccessThreshold = 1,
            },
        });
        builder.Services.AddBulwarkSqliteStore(o => o.Path = _database.Path);
        return builder.Build();
    }
}
