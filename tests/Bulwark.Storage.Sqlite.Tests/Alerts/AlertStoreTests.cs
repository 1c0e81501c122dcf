using Bulwark.Storage.Alerts;
using Bulwark.Storage.Sqlite.Tests.Infrastructure;

namespace Bulwark.Storage.Sqlite.Tests.Alerts;

/// <summary>Alerts, silences and the notifications made for them, as stored across reopening.</summary>
public sealed class AlertStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task SavedChanges_AreReadBackAfterReopening_WithTheNotificationsNotMarkedEnqueuedAsPending()
    {
        using (var store = _database.Open())
        {
            await store.SaveAlertChangesAsync(new AlertStoreChanges
            {
                Alerts = [new StoredAlert("a1", """{"v":1}"""), new StoredAlert("a2", """{"v":1}""")],
                Silences = [new StoredAlertSilence("s1", """{"m":1}""")],
                Notifications = [new StoredAlertNotification("n1", "bulwark.alerts.slack", """{"id":"n1"}""", T0), new StoredAlertNotification("n2", "bulwark.alerts.email", """{"id":"n2"}""", T0.AddSeconds(1))],
            }, T0, CancellationToken.None);

            // Replaced, removed; a notification stored twice stays as first stored.
            await store.SaveAlertChangesAsync(new AlertStoreChanges
            {
                Alerts = [new StoredAlert("a1", """{"v":2}""")],
                RemovedAlertIds = ["a2"],
                Notifications = [new StoredAlertNotification("n1", "bulwark.alerts.slack", """{"id":"changed"}""", T0)],
            }, T0, CancellationToken.None);
            await store.MarkAlertNotificationsEnqueuedAsync(["n1"], T0.AddSeconds(2), CancellationToken.None);
        }

        using var reopened = _database.Open();
        var book = await reopened.LoadAlertsAsync(CancellationToken.None);
        Assert.Equal([new StoredAlert("a1", """{"v":2}""")], book.Alerts);
        Assert.Equal([new StoredAlertSilence("s1", """{"m":1}""")], book.Silences);
        var pending = Assert.Single(book.PendingNotifications);
        Assert.Equal(new StoredAlertNotification("n2", "bulwark.alerts.email", """{"id":"n2"}""", T0.AddSeconds(1)), pending);

        await reopened.SaveAlertChangesAsync(new AlertStoreChanges { RemovedSilenceIds = ["s1"] }, T0, CancellationToken.None);
        Assert.Empty((await reopened.LoadAlertsAsync(CancellationToken.None)).Silences);
    }

    [Fact]
    public async Task Prune_DeletesTheMarksEnqueuedBeforeTheTime_KeepsThePending()
    {
        using var store = _database.Open();
        await store.SaveAlertChangesAsync(new AlertStoreChanges
        {
            Notifications = [new("old", "q", "{}", T0), new("new", "q", "{}", T0), new("pending", "q", "{}", T0)],
        }, T0, CancellationToken.None);
        await store.MarkAlertNotificationsEnqueuedAsync(["old"], T0, CancellationToken.None);
        await store.MarkAlertNotificationsEnqueuedAsync(["new"], T0.AddHours(2), CancellationToken.None);

        Assert.Equal(1, await store.PruneAlertNotificationsAsync(T0.AddHours(1), CancellationToken.None));
        Assert.Equal(["pending"], (await store.LoadAlertsAsync(CancellationToken.None)).PendingNotifications.Select(static n => n.Id));
        Assert.Equal(0, await store.PruneAlertNotificationsAsync(T0.AddHours(1), CancellationToken.None));
    }
}
