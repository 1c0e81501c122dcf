using Bulwark.Deliveries;
using Bulwark.Gateway.Reload;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Bulwark.Gateway.Tests.Alerts.Channels.AlertChannelKit;

namespace Bulwark.Gateway.Tests.Alerts.Channels;

/// <summary>Channels are read at start: a reload that changes one is reported as needing a restart, and sending goes on as started.</summary>
public class ChannelReloadTests
{
    [Fact]
    public async Task Reload_ChangingAChannel_IsReportedAsNeedingARestart_AndTheChannelSendsAsStarted()
    {
        await using var first = await Upstream.StartAsync();
        await using var second = await Upstream.StartAsync();
        using var file = ConfigFile.Create(GatewayJson(first.BaseAddress, $$"""{ "hook": { "Type": "Webhook", "Url": "{{first.BaseAddress}}hook" } }"""));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        var status = gateway.Services.GetRequiredService<ConfigurationReloadStatus>();

        file.Replace(GatewayJson(first.BaseAddress, $$"""{ "hook": { "Type": "Webhook", "Url": "{{second.BaseAddress}}hook" } }"""));
        await Poll.UntilAsync(() => status.Last is not null, "the reload to be applied");

        Assert.Equal(["Bulwark:Alerts:Channels:hook:Url"], status.Last!.RestartRequired);
        var entry = await SettledAsync(gateway, await EnqueueAsync(gateway, Notification()));
        Assert.Equal(DeliveryState.Delivered, entry.State);
        Assert.Single(first.Snapshot());
        Assert.Empty(second.Snapshot());
    }
}
