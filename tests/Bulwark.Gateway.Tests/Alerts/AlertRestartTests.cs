using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>
/// The gateway stopped without shutdown (as by kill -9) between storing a notification and enqueueing it, then started
/// again on the same store file: every alert is back, and every notification is on its queue once.
/// </summary>
public class AlertRestartTests
{
    private sealed class Crash : Exception;

    private static readonly AlertSignal Breaker = new("breaker-open", new Dictionary<string, string> { ["provider"] = "openai" }, AlertSeverity.Critical, "Circuit breaker of provider 'openai' is open");

    [Fact]
    public async Task CrashBetweenStoreAndEnqueue_AfterRestart_TheSameNotificationsAreQueuedOnce_AndNoneAgain()
    {
        string store = TestStore.NewPath();
        var source = new SetSignals { Signals = [Breaker] };
        var time = new FakeTimeProvider(AlertBookTestKit.Start);
        List<(string Queue, string Key)> before;
        string alertId;
        var first = await AlertGatewayKit.StartAsync(time, store, source);
        try
        {
            await first.EvaluateAsync();
            before = await first.QueuedAsync();
            Assert.Equal([AlertQueues.ForChannel("slack")], before.Select(static q => q.Queue));
            alertId = Assert.Single(first.Engine().Book.Alerts()).Id;

            // At 30 minutes PagerDuty is due: its notification is stored, and the process dies before it is enqueued.
            first.Engine().AfterStore = static () => throw new Crash();
            time.Advance(TimeSpan.FromMinutes(30));
            await Assert.ThrowsAsync<Crash>(first.EvaluateAsync);
            Assert.Equal(before, await first.QueuedAsync());
        }
        finally
        {
            // Nothing of the engine runs at stop: a dispose is as abrupt for it as a kill.
            await first.DisposeAsync();
        }

        var again = new FakeTimeProvider(time.GetUtcNow().AddSeconds(5));
        var second = await AlertGatewayKit.StartAsync(again, store, source);
        var alert = Assert.Single(second.Engine().Book.Alerts());
        Assert.Equal(alertId, alert.Id);
        Assert.Equal(AlertState.Firing, alert.State);
        var pager = Assert.Single(alert.Notifications, static n => n.Channel == "pager");

        // Enqueued at start, with the id it was stored with; the queue holds each notification once.
        var after = await second.QueuedAsync();
        Assert.Equal([(AlertQueues.ForChannel("pager"), pager.Id), .. before], after);
        var queued = await second.FindAsync("pager", pager.Id);
        Assert.Equal(1, queued!.Level);
        Assert.Equal(alertId, Assert.Single(queued.Alerts).Id);

        // Evaluating again (and restarting once more) sends nothing new.
        await second.EvaluateAsync();
        again.Advance(TimeSpan.FromMinutes(10));
        await second.EvaluateAsync();
        Assert.Equal(after, await second.QueuedAsync());
        await second.DisposeAsync();

        await using var third = await AlertGatewayKit.StartAsync(new FakeTimeProvider(again.GetUtcNow()), store, source);
        await third.EvaluateAsync();
        Assert.Equal(after, await third.QueuedAsync());
        Assert.Equal(alertId, Assert.Single(third.Engine().Book.Alerts()).Id);
    }

    [Fact]
    public async Task AcknowledgementsAndSilences_SurviveARestart()
    {
        string store = TestStore.NewPath();
        var source = new SetSignals { Signals = [Breaker] };
        var time = new FakeTimeProvider(AlertBookTestKit.Start);
        string alertId;
        await using (var first = await AlertGatewayKit.StartAsync(time, store, source))
        {
            await first.EvaluateAsync();
            alertId = first.Engine().Book.Alerts()[0].Id;
            Assert.Equal(AlertActionOutcome.Done, (await first.Engine().AcknowledgeAsync(alertId, "alice", "on it", CancellationToken.None)).Outcome);
            Assert.True(await first.Engine().AddSilenceAsync(AlertBookTests.Silence("provider=anthropic"), CancellationToken.None));
        }

        time.Advance(TimeSpan.FromHours(1));
        await using var second = await AlertGatewayKit.StartAsync(time, store, source);
        var alert = Assert.Single(second.Engine().Book.Alerts());
        Assert.Equal(AlertState.Acknowledged, alert.State);
        Assert.Equal("alice", alert.AcknowledgedBy);
        Assert.Single(second.Engine().Book.Silences());

        // Acknowledged before the restart: PagerDuty is still not paged at an hour.
        await second.EvaluateAsync();
        Assert.DoesNotContain(await second.QueuedAsync(), static q => q.Queue == AlertQueues.ForChannel("pager"));
    }
}
