using Bulwark.Deliveries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Tests.DependencyInjection;

public class BulwarkDeliveriesServiceCollectionExtensionsTests
{
    [Fact]
    public async Task DispatcherDisabled_HostStarts_ButTheDispatcherNeverRuns()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddBulwarkInMemoryStore();
        builder.Services.AddBulwarkDeliveries(o => o.DispatcherEnabled = false).AddHandler("payments", (_, _) => ValueTask.FromResult(DeliveryAttemptResult.Delivered(new DeliveryResponse(200, null, default))));
        using var host = builder.Build();

        await host.StartAsync();
        var ticket = await host.Services.GetRequiredService<IDeferredDeliveryQueue>().EnqueueAsync("payments", "order-1", DeliveryEnvelope.ForPayload("x"u8.ToArray()));
        await host.StopAsync();

        Assert.Null(host.Services.GetRequiredService<DeliveryDispatcher>().ExecuteTask);
        Assert.Equal(DeliveryState.Pending, (await host.Services.GetRequiredService<IDeferredDeliveryQueue>().GetAsync(ticket.Id))!.State);
    }

    [Fact]
    public async Task InvalidOptions_FailTheHostAtStart_WithEveryError()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddBulwarkInMemoryStore();
        builder.Services.AddBulwarkDeliveries(o => (o.MaxAttempts, o.PollInterval) = (0, TimeSpan.Zero));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            ["Bulwark:Deliveries:MaxAttempts must be in [1, 1000].", "Bulwark:Deliveries:PollInterval must be in [00:00:00.0100000, 00:01:00]; it is 00:00:00."],
            error.Failures);
    }

    [Fact]
    public void FromConfiguration_BindsTheSection()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bulwark:Deliveries:MaxAttempts"] = "7",
            ["Bulwark:Deliveries:TimeToLive"] = "02:00:00",
        }).Build().GetSection("Bulwark:Deliveries");
        var services = new ServiceCollection();
        services.AddBulwarkInMemoryStore();
        services.AddBulwarkDeliveries(section);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DeliveryOptions>>().Value;

        Assert.Equal((7, TimeSpan.FromHours(2)), (options.MaxAttempts, options.TimeToLive));
    }
}
