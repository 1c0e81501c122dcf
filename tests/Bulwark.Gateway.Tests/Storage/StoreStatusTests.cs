using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Storage;

/// <summary><c>GET /admin/system/status</c> says which store the gateway runs with, where, and in what state.</summary>
public class StoreStatusTests
{
    private const string Token = "admin-token-0123456789abcdef";

    [Fact]
    public async Task Status_SqliteStore_ReportsSqliteItsPathAndHealthy()
    {
        await using var upstream = await Upstream.StartAsync();
        string path = TestStore.NewPath();
        await using var gateway = await GatewayUnderTest.StartAsync(Config(upstream, string.Empty), storePath: path);

        var store = await StoreAsync(gateway);

        Assert.Equal("sqlite", store.GetProperty("provider").GetString());
        Assert.Equal(Path.GetFullPath(path), store.GetProperty("path").GetString());
        Assert.Equal("healthy", store.GetProperty("status").GetString());
        Assert.True(store.GetProperty("schema_version").GetInt32() >= 1);
        Assert.False(store.TryGetProperty("reason", out _));
    }

    [Fact]
    public async Task Status_StoreFailedToOpen_FailOpen_ReportsNoneDegradedAndWhy()
    {
        await using var upstream = await Upstream.StartAsync();
        string path = TestStore.NewPath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "not a database: a text file left where the store should be. " + new string('x', 4096));
        await using var gateway = await GatewayUnderTest.StartAsync(Config(upstream, """ "Storage": { "OnStoreFailure": "FailOpen" }, """), storePath: path);

        var store = await StoreAsync(gateway);

        Assert.Equal("none", store.GetProperty("provider").GetString());
        Assert.Equal("degraded", store.GetProperty("status").GetString());
        Assert.StartsWith("Running without durable features: ", store.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static string Config(Upstream upstream, string extra) =>
        Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, bulwarkExtra: $$""" "Admin": { "Token": "{{Token}}" }, {{extra}}""");

    private static async Task<JsonElement> StoreAsync(GatewayUnderTest gateway)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/system/status");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await gateway.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("store").Clone();
    }
}
