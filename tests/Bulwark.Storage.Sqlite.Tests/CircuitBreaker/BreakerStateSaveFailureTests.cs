using System.Diagnostics;
using System.Net;
using Bulwark.CircuitBreaker;
using Bulwark.Persistence;
using Bulwark.Configuration;
using Bulwark.Pipelines;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Polly.CircuitBreaker;

namespace Bulwark.Storage.Sqlite.Tests.CircuitBreaker;

/// <summary>A store that cannot be written (locked by another process) never slows or breaks the breaker; the failure is logged and counted.</summary>
public sealed class BreakerStateSaveFailureTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task StoreLocked_TripIsNotSlowed_SaveFailureIsLoggedAndCounted_NextTransitionIsSavedOnceUnlocked()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(T0));
        builder.Services.AddFakeLogging();
        builder.Services.AddBulwark(o => o.Pipelines["payments"] = new BulwarkPipelineOptions
        {
            CircuitBreaker = new BulwarkCircuitBreakerStrategyOptions { Mode = CircuitBreakerMode.ConsecutiveFailures, FailureThreshold = 1, BreakDuration = TimeSpan.FromSeconds(30) },
        });
        builder.Services.AddBulwarkSqliteStore(o => (o.Path, o.BusyTimeout) = (_database.Path, TimeSpan.FromSeconds(6)));
        using var host = builder.Build();
        await host.StartAsync();
        var pipeline = host.Services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("payments");
        var persistence = host.Services.GetRequiredService<CircuitBreakerStatePersistence>();

        using (var locker = _database.Connect())
        {
            Execute(locker, "BEGIN EXCLUSIVE;");
            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<HttpRequestException>(async () =>
                await pipeline.ExecuteAsync<int>(_ => throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable)));
            var tripTook = watch.Elapsed;
            Assert.Equal(CircuitState.Open, pipeline.CircuitBreaker!.State);
            // Half the busy timeout: a loaded machine may be slow, but a call that waited for the store takes all of it.
            Assert.True(tripTook < TimeSpan.FromSeconds(3), $"The tripping call took {tripTook}: it waited for the locked store.");
            await Assert.ThrowsAsync<BulwarkBrokenCircuitException>(async () => await pipeline.ExecuteAsync(_ => ValueTask.FromResult(1)));

            await persistence.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            Execute(locker, "ROLLBACK;");
        }

        Assert.Equal(1, persistence.FailedWrites);
        var logged = Assert.Single(host.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Id == 1104);
        Assert.Contains("locked", logged.Message, StringComparison.Ordinal);

        await pipeline.CircuitBreaker.CloseAsync();
        await host.StopAsync();

        SqliteConnection.ClearAllPools();
        var saved = (await _database.Open().LoadBreakerStatesAsync(CancellationToken.None))["payments/payments"];
        Assert.Equal((CircuitState.Closed, CircuitTransitionReason.ManualClose), (saved.State, saved.LastTransitionReason));
        Assert.Equal(1, persistence.FailedWrites);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
