using System.Net;
using System.Text.Json;
using Bulwark.Gateway.Storage;
using Bulwark.Gateway.Tests.Deferral;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Storage;

/// <summary>
/// The SQLite store's settings (<c>Bulwark:Storage</c>) as the running gateway shows them: where the file is, how long
/// a write waits for a lock held elsewhere, and how soon a damaged file is found.
/// </summary>
public sealed class StoreSettingsTests
{
    /// <summary>The store is the file at <c>Path</c>, its directories created: what a deferral writes is found there.</summary>
    [Fact]
    public async Task Path_TheStoreIsCreatedThere_AndDeferredRequestsAreWrittenToIt()
    {
        var directory = Directory.CreateTempSubdirectory("bulwark-store-path-");
        try
        {
            string path = Path.Combine(directory.FullName, "nested", "edge.db");
            await using var provider = await Upstream.StartAsync();
            provider.Behaviour = Upstream.Status(StatusCodes.Status503ServiceUnavailable);
            string json = DeferralConfigs.Payments(provider.BaseAddress, bulwarkExtra: $$""" "Storage": { "Path": {{JsonSerializer.Serialize(path)}} }, """);
            await using (var gateway = await GatewayUnderTest.StartAsync(GatewayUnderTest.Settings(json, DeferralConfigs.Environment)))
            {
                Assert.True(File.Exists(path), $"no store at {path}");
                using var accepted = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "stored-here-1", """{"amount":1}"""));
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
                Assert.Contains(path, await gateway.Client.GetStringAsync("/health/ready"), StringComparison.Ordinal);
            }

            using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT idempotency_key FROM deliveries;";
            Assert.Equal("stored-here-1", command.ExecuteScalar());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// With the file's write lock held by another process, a deferral waits <c>BusyTimeout</c> for it, then is refused
    /// (503, never acknowledged). At 0 it is refused at once (after the driver's own one-second retry); the 5 s default
    /// would still be waiting when this test gives up. Deferrals are accepted before the lock and once it is gone.
    /// </summary>
    [Fact]
    public async Task BusyTimeout_StoreLockedElsewhere_TheDeferralWaitsNoLonger_ThenIsRefused()
    {
        string store = TestStore.NewPath();
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Upstream.Status(StatusCodes.Status503ServiceUnavailable);
        await using var gateway = await GatewayUnderTest.StartAsync(
            DeferralConfigs.Payments(provider.BaseAddress, bulwarkExtra: """ "Storage": { "BusyTimeout": "00:00:00" }, """),
            DeferralConfigs.Environment,
            storePath: store);
        using (var before = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "unlocked-1", """{"amount":1}""")))
        {
            Assert.Equal(HttpStatusCode.Accepted, before.StatusCode);
        }

        using (var locker = new SqliteConnection($"Data Source={store};Pooling=False"))
        {
            locker.Open();
            using var transaction = locker.BeginTransaction(deferred: false);
            using var refused = await Poll.WithinAsync(
                gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "locked-1", """{"amount":1}""")),
                "the deferral to give up waiting for the lock",
                TimeSpan.FromSeconds(3.5));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.EndsWith("deferral-unavailable", (await Problem.ReadAsync(refused)).GetProperty("type").GetString(), StringComparison.Ordinal);
            transaction.Rollback();
        }

        using var accepted = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "unlocked-2", """{"amount":1}"""));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
    }

    /// <summary>
    /// A page of the file damaged under the running gateway goes unseen by its requests (they never read it) until the
    /// background integrity check, every <c>IntegrityCheckInterval</c> (10 s here; the default is a minute): then
    /// readiness is down and says the store is corrupt.
    /// </summary>
    [Fact]
    public async Task IntegrityCheckInterval_ADamagedFile_IsFoundAtTheNextCheck_AndReadinessGoesDown()
    {
        string store = TestStore.NewPath();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(
            DeferralConfigs.Payments(provider.BaseAddress, bulwarkExtra: """ "Storage": { "IntegrityCheckInterval": "00:00:10" }, """),
            DeferralConfigs.Environment,
            timeProvider: time,
            storePath: store);
        var monitored = gateway.Services.GetRequiredService<GatewayStore>();
        await Poll.UntilAsync(() => monitored.LastIntegrityCheck is not null, "the integrity check made at start");

        StoreFaultTests.CorruptBreakerStatePage(store);
        using (var before = await gateway.Client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        time.Advance(TimeSpan.FromSeconds(10));

        string readiness = string.Empty;
        await Poll.UntilAsync(
            () =>
            {
                using var ready = gateway.Client.GetAsync("/health/ready").GetAwaiter().GetResult();
                readiness = ready.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
            },
            "readiness to report the damaged store");
        Assert.Contains("corrupt", readiness, StringComparison.Ordinal);
    }
}
