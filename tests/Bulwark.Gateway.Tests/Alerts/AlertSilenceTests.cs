using Bulwark.Gateway.Alerts;
using static Bulwark.Gateway.Tests.Alerts.AlertBookTestKit;

namespace Bulwark.Gateway.Tests.Alerts;

public class AlertSilenceTests
{
    [Fact]
    public void SilencedAlert_IsKeptAndShown_NotNotified()
    {
        var (book, _) = Book();
        var silence = AlertBookTests.Silence("provider=openai");
        book.AddSilence(silence);
        var changes = book.Evaluate([Signal("breaker-open", provider: "openai"), Signal("breaker-open", provider: "anthropic")]);

        Assert.Equal(["anthropic"], changes.Notifications.Select(static n => n.GroupLabels["provider"]).Distinct());
        var silenced = book.Alerts().Single(static a => a.Labels["provider"] == "openai");
        Assert.Equal(AlertState.Firing, silenced.State);
        Assert.Equal([silence.Id], silenced.SilencedBy);
        Assert.Empty(silenced.Notifications);
    }

    [Fact]
    public void SilenceEnding_WhileTheAlertStillFires_NotifiesItThen()
    {
        var (book, time) = Book();
        book.AddSilence(AlertBookTests.Silence("rule=~breaker-.*", endsAt: Start.AddMinutes(45)));
        for (int minute = 0; minute < 45; minute++)
        {
            Assert.Empty(book.Evaluate([Signal("breaker-open")]).Notifications);
            time.Advance(TimeSpan.FromMinutes(1));
        }

        // Past its delay, every level the alert qualifies for goes out at once.
        Assert.Equal(["Firing:0:email", "Firing:0:slack", "Firing:1:pagerduty"], Brief(book.Evaluate([Signal("breaker-open")])));
        Assert.Empty(book.Alerts()[0].SilencedBy);
    }

    [Fact]
    public void SilenceStartingLater_HoldsOnlyFromItsStart_AndANotifiedAlertSilencedThenReleased_IsNotifiedAgain()
    {
        var (book, time) = Book();
        var silence = AlertBookTests.Silence("provider=openai", startsAt: Start.AddMinutes(10), endsAt: Start.AddMinutes(20));
        book.AddSilence(silence);
        Assert.Equal(["Firing:0:email", "Firing:0:slack"], Brief(book.Evaluate([Signal("breaker-open", AlertSeverity.Warning)])));
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Empty(book.Evaluate([Signal("breaker-open", AlertSeverity.Warning)]).Notifications);
        Assert.Equal([silence.Id], book.Alerts()[0].SilencedBy);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(["Repeat:0:email", "Repeat:0:slack"], Brief(book.Evaluate([Signal("breaker-open", AlertSeverity.Warning)])));
    }

    [Fact]
    public void ExpireSilence_EndsItNow_AndAnUnknownIdIsNull()
    {
        var (book, time) = Book();
        var silence = AlertBookTests.Silence("provider=openai");
        book.AddSilence(silence);
        book.Evaluate([Signal("breaker-open")]);
        time.Advance(TimeSpan.FromMinutes(1));
        var (changes, expired) = book.ExpireSilence(silence.Id);
        Assert.Equal(time.GetUtcNow(), expired!.EndsAt);
        Assert.Equal("expired", expired.StateAt(time.GetUtcNow()));
        Assert.Single(changes!.Silences);
        Assert.Null(book.ExpireSilence("nope").Silence);

        // The alert it held is notified at once, and once.
        Assert.Equal(["Firing:0:email", "Firing:0:slack"], Brief(changes));
        Assert.Empty(book.Evaluate([Signal("breaker-open")]).Notifications);
    }

    [Fact]
    public void ExpiredSilences_AreForgottenAfterTheRetention()
    {
        var (book, time) = Book(Settings() with { ResolvedRetention = TimeSpan.FromHours(1) });
        var silence = AlertBookTests.Silence("provider=openai", endsAt: Start.AddMinutes(10));
        book.AddSilence(silence);
        time.Advance(TimeSpan.FromMinutes(69));
        Assert.Empty(book.Evaluate([]).RemovedSilenceIds);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal([silence.Id], book.Evaluate([]).RemovedSilenceIds);
        Assert.Empty(book.Silences());
    }
}
