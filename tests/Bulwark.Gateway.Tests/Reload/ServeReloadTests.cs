using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Reload;

/// <summary>Live reload through <c>bulwark serve</c> itself: the gateway as a separate process, its file replaced.</summary>
public class ServeReloadTests
{
    private const string FastReload = """ "Reload": { "PollInterval": "00:00:00.200" }, """;

    [Fact]
    public async Task Serve_FileReplaced_AppliesTheNewRoute_ThenRejectsAnInvalidFile_AndKeepsServing()
    {
        await using var upstream = await Upstream.StartAsync();
        await using var gateway = await GatewayProcess.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, bulwarkExtra: FastReload));
        using var client = new HttpClient { BaseAddress = gateway.Address, Timeout = TimeSpan.FromSeconds(10) };
        using (var before = await client.GetAsync("/v2/item"))
        {
            Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        }

        await gateway.ReplaceConfigAsync(Configs.TwoProviders(
            upstream.BaseAddress,
            upstream.BaseAddress,
            bulwarkExtra: FastReload,
            routeExtra: """ }, { "Path": "/v2/{**rest}", "Providers": [ "secondary" ] """));
        await Poll.UntilAsync(() => gateway.Output.Contains("Configuration reloaded: generation 2", StringComparison.Ordinal), $"the reload to be logged; output:\n{gateway.OutputTail}");
        using (var added = await client.GetAsync("/v2/item"))
        {
            Assert.Equal(HttpStatusCode.OK, added.StatusCode);
            Assert.Equal("secondary", added.Headers.GetValues("X-Bulwark-Provider").Single());
        }

        await gateway.ReplaceConfigAsync(Configs.TwoProviders(
            upstream.BaseAddress,
            upstream.BaseAddress,
            bulwarkExtra: FastReload,
            routeExtra: """ }, { "Path": "/v3/{**rest}", "Providers": [ "ghost" ] """));
        await Poll.UntilAsync(
            () => gateway.Output.Contains("Configuration reload error: Bulwark:Routes:1:Providers:0: no provider named", StringComparison.Ordinal),
            $"the rejected reload to be logged; output:\n{gateway.OutputTail}");
        using (var stillThere = await client.GetAsync("/v2/item"))
        {
            Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);
        }

        using (var neverAdded = await client.GetAsync("/v3/item"))
        {
            Assert.Equal(HttpStatusCode.NotFound, neverAdded.StatusCode);
        }

        Assert.False(gateway.HasExited, $"the gateway exited; output:\n{gateway.OutputTail}");
    }
}
