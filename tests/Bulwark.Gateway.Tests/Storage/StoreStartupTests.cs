using System.Net;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Deferral;
using Bulwark.Gateway.Tests.Infrastructure;
using Bulwark.Storage;

namespace Bulwark.Gateway.Tests.Storage;

/// <summary>A store that cannot be opened stops the start with a clear message, or — fail-open — the gateway serves and says so.</summary>
public sealed class StoreStartupTests
{
    [Fact]
    public async Task CorruptStore_FailClosed_StopsTheStart_SayingWhatIsWrong()
    {
        await using var provider = await Upstream.StartAsync();
        string path = CorruptFile();

        var error = Assert.Throws<StoreUnavailableException>(() => GatewayHost.Build(new GatewayHostSettings(null, DeferralConfigs.Payments(provider.BaseAddress), ["http://127.0.0.1:0"])
        {
            Environment = name => DeferralConfigs.Environment.GetValueOrDefault(name),
            EnvironmentOverrides = false,
            StorePath = path,
        }));

        Assert.Contains("corrupt or not a SQLite database", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorruptStore_FailOpen_Serves_AndReadinessAndTheDeferralRouteSaySo()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(
            DeferralConfigs.Payments(provider.BaseAddress, bulwarkExtra: """ "Storage": { "OnStoreFailure": "FailOpen" }, """),
            DeferralConfigs.Environment,
            storePath: CorruptFile());

        using var ready = await gateway.Client.GetAsync("/health/ready");
        string readiness = await ready.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("store", readiness, StringComparison.Ordinal);
        Assert.Contains("Degraded", readiness, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("without durable features", readiness, StringComparison.Ordinal);

        using var failed = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "no-store-1", """{"amount":1}"""));
        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Contains("runs without its store", (await Problem.ReadAsync(failed)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoreUnderARegularFile_FailClosed_NamesThePath()
    {
        await using var provider = await Upstream.StartAsync();
        string blocker = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<StoreUnavailableException>(() => GatewayHost.Build(new GatewayHostSettings(null, DeferralConfigs.Payments(provider.BaseAddress), ["http://127.0.0.1:0"])
            {
                Environment = name => DeferralConfigs.Environment.GetValueOrDefault(name),
                EnvironmentOverrides = false,
                StorePath = Path.Combine(blocker, "bulwark.db"),
            }));

            Assert.Contains(blocker, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(blocker);
        }
    }

    private static string CorruptFile()
    {
        string path = TestStore.NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "this is not a database, it is a text file that someone left here by mistake. " + new string('x', 4096));
        return path;
    }
}
