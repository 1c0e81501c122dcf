using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary><c>store-degraded</c>: nothing while the SQLite store is healthy; Error while the gateway runs without it.</summary>
public class StoreSignalsTests
{
    [Fact]
    public async Task HealthySqliteStore_NoSignal()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress));

        Assert.Empty(await Source(gateway).EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));
    }

    [Fact]
    public async Task StoreFailedToOpen_FailOpen_IsStoreDegraded_Error()
    {
        await using var upstream = await Upstream.StartAsync();
        string path = TestStore.NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "not a database: a text file left where the store should be. " + new string('x', 4096));
        await using var gateway = await GatewayUnderTest.StartAsync(
            Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, bulwarkExtra: """ "Storage": { "OnStoreFailure": "FailOpen" }, """), storePath: path);

        var signal = Assert.Single(await Source(gateway).EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));

        Assert.Equal(("store-degraded", AlertSeverity.Error, "none"), (signal.Rule, signal.Severity, signal.Labels["store"]));
        Assert.Equal("The gateway runs without its store", signal.Summary);
    }

    private static StoreSignals Source(GatewayUnderTest gateway) =>
        gateway.Services.GetServices<IAlertSignalSource>().OfType<StoreSignals>().Single();
}
