using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>How notifications are put on the queue, and what a failing signal source does to the alerts it raised.</summary>
public class AlertDeliveryTests
{
    [Fact]
    public async Task Notifications_AreOrderedWithinTheirGroup_AndRetriedForThreeDays_NotForTheRoutesAttempts()
    {
        var time = new FakeTimeProvider(AlertBookTestKit.Start);
        var source = new SetSignals { Signals = [AlertBookTestKit.Signal("breaker-open", AlertSeverity.Critical)] };
        await using var gateway = await AlertGatewayKit.StartAsync(time, TestStore.NewPath(), source);

        await gateway.EvaluateAsync();

        var (queue, key) = Assert.Single(await gateway.QueuedAsync());
        var entry = (await gateway.Services.GetRequiredService<IDeferredDeliveryQueue>().FindAsync(queue, key))!;
        var notification = AlertJson.ReadNotification(entry.Envelope.Body.Span)!;
        Assert.Equal(notification.GroupKey, entry.OrderingKey);
        Assert.Equal(AlertsConstants.NotificationMaxAttempts, entry.MaxAttempts);
        Assert.Equal(entry.CreatedAt + TimeSpan.FromDays(3), entry.ExpiresAt);
    }

    [Fact]
    public async Task ASourceThatFails_KeepsItsAlertsAsTheyWere_TheyNeitherResolveNorRefire()
    {
        var time = new FakeTimeProvider(AlertBookTestKit.Start);
        var source = new FlakySignals { Signals = [AlertBookTestKit.Signal("dead-letters", AlertSeverity.Warning)] };
        await using var gateway = await AlertGatewayKit.StartAsync(time, TestStore.NewPath(), source);
        await gateway.EvaluateAsync();
        var fired = Assert.Single(gateway.Engine().Book.Alerts());

        // Ten minutes of failing evaluations, twice the 5-minute ResolveAfter: the alert is still the same, still firing.
        source.Failing = true;
        for (int i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await gateway.EvaluateAsync();
        }

        var still = Assert.Single(gateway.Engine().Book.Alerts());
        Assert.Equal(fired.Id, still.Id);
        Assert.Equal(AlertState.Firing, still.State);

        // Working again and the condition gone: it resolves after ResolveAfter, as any alert.
        source.Failing = false;
        source.Signals = [];
        time.Advance(TimeSpan.FromMinutes(6));
        await gateway.EvaluateAsync();
        Assert.Equal(AlertState.Resolved, Assert.Single(gateway.Engine().Book.Alerts()).State);
    }

    /// <summary>A source that reports its signals, or throws while <see cref="Failing"/>.</summary>
    private sealed class FlakySignals : IAlertSignalSource
    {
        public IReadOnlyList<AlertSignal> Signals { get; set; } = [];

        public bool Failing { get; set; }

        public ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
            Failing ? throw new InvalidOperationException("the store cannot be read") : ValueTask.FromResult(Signals);
    }
}
