using Bulwark.Deliveries;
using static Bulwark.Tests.Deliveries.DispatcherHarness;

namespace Bulwark.Tests.Deliveries;

public class DeferredDeliveryQueueTests
{
    [Theory]
    [InlineData(0, 60)]
    [InlineData(1001, 60)]
    [InlineData(5, 0.5)]
    [InlineData(5, 31 * 24 * 3600)]
    public async Task Enqueue_PerEntrySettingsOutOfRange_AreRejected_AndNothingIsStored(int maxAttempts, double timeToLiveSeconds)
    {
        await using var h = new DispatcherHarness();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            h.EnqueueAsync(options: new DeliveryEnqueueOptions { MaxAttempts = maxAttempts, TimeToLive = TimeSpan.FromSeconds(timeToLiveSeconds) }));

        Assert.Empty(await h.Store.ListAsync(null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Enqueue_KeyOutOfRange_IsRejected()
    {
        await using var h = new DispatcherHarness();

        await Assert.ThrowsAsync<ArgumentException>(() => h.EnqueueAsync(key: " "));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.EnqueueAsync(key: new string('k', 256)));
        Assert.True((await h.EnqueueAsync(key: new string('k', 255))).Created);
    }

    [Fact]
    public async Task Get_AnIdOfTheWrongShape_IsNotFound_WithoutAskingTheStore()
    {
        await using var h = new DispatcherHarness();
        var ticket = await h.EnqueueAsync();

        Assert.Equal(ticket.Id, (await h.Queue.GetAsync(ticket.Id))!.Id);
        Assert.Null(await h.Queue.GetAsync(ticket.Id.ToUpperInvariant()));
        Assert.Null(await h.Queue.GetAsync("' OR 1=1 --"));
        Assert.Equal(ticket.Id, (await h.Queue.FindAsync("payments", "order-1"))!.Id);
        Assert.Equal(T0, ticket.Entry.CreatedAt);
    }
}
