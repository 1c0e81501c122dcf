using Bulwark.Gateway.Alerts;
using static Bulwark.Gateway.Tests.Alerts.AlertBookTestKit;

namespace Bulwark.Gateway.Tests.Alerts;

public class AlertBookTests
{
    [Fact]
    public void Evaluate_NewSignal_FiresAnAlert_AndNotifiesTheFirstLevel()
    {
        var (book, _) = Book();
        var changes = book.Evaluate([Signal("breaker-open")]);

        var alert = Assert.Single(book.Alerts());
        Assert.Equal(AlertState.Firing, alert.State);
        Assert.Equal("breaker-open", alert.Rule);
        Assert.Equal(Start, alert.StartsAt);
        Assert.Equal(["Firing:0:email", "Firing:0:slack"], Brief(changes));
        var notification = changes.Notifications[0];
        Assert.Equal(alert.Id, Assert.Single(notification.Alerts).Id);
        Assert.Equal("openai", notification.GroupLabels["provider"]);
        Assert.Single(changes.Alerts, a => a.Id == alert.Id);
    }

    [Fact]
    public void Evaluate_SameRuleAndLabels_IsOneAlert_NotifiedOnce_WhateverTheLabelOrder()
    {
        var (book, time) = Book();
        book.Evaluate([Signal("breaker-open"), Signal("breaker-open")]);
        time.Advance(TimeSpan.FromSeconds(15));
        var reordered = new AlertSignal("breaker-open", new Dictionary<string, string> { ["route"] = "chat", ["provider"] = "openai" }, AlertSeverity.Critical, "x");
        var again = new AlertSignal("breaker-open", new Dictionary<string, string> { ["provider"] = "openai", ["route"] = "chat" }, AlertSeverity.Critical, "x");
        book.Evaluate([reordered]);
        var changes = book.Evaluate([again, Signal("breaker-open")]);

        Assert.Equal(2, book.Alerts().Count);
        Assert.Empty(changes.Notifications);
    }

    [Fact]
    public void Evaluate_SignalAbsentForResolveAfter_Resolves_AndTellsEveryNotifiedChannel()
    {
        var (book, time) = Book();
        book.Evaluate([Signal("breaker-open")]);
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(book.Evaluate([]).Notifications);
        Assert.Equal(AlertState.Firing, Assert.Single(book.Alerts()).State);

        // Signalled again before ResolveAfter: the clock starts over.
        book.Evaluate([Signal("breaker-open")]);
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(book.Evaluate([]).Notifications);
        time.Advance(TimeSpan.FromMinutes(1));
        var changes = book.Evaluate([]);

        var alert = Assert.Single(book.Alerts());
        Assert.Equal(AlertState.Resolved, alert.State);
        Assert.Equal(time.GetUtcNow(), alert.EndsAt);
        Assert.Null(alert.ResolvedBy);
        Assert.Equal(["Resolved:-:email", "Resolved:-:slack"], Brief(changes));
        Assert.Equal(AlertState.Resolved, changes.Notifications[0].Alerts[0].State);
    }

    [Fact]
    public void Evaluate_Severity_IsTheHighestSeenWhileFiring_AndARiseReachesTheLevelsItQualifiesFor()
    {
        var (book, time) = Book();
        book.Evaluate([Signal("error-rate-high", AlertSeverity.Warning)]);
        time.Advance(TimeSpan.FromMinutes(31));
        Assert.Empty(book.Evaluate([Signal("error-rate-high", AlertSeverity.Warning)]).Notifications);

        var rise = book.Evaluate([Signal("error-rate-high", AlertSeverity.Error)]);
        Assert.Equal(["Firing:1:pagerduty"], Brief(rise));
        book.Evaluate([Signal("error-rate-high", AlertSeverity.Warning)]);
        Assert.Equal(AlertSeverity.Error, Assert.Single(book.Alerts()).Severity);
    }

    [Fact]
    public void Escalation_SeedsFourLevels_FireAt0_30_60_120Minutes_ByTheAlertsSeverity()
    {
        var (book, time) = Book();
        var at = new List<(int Minute, string Note)>();
        var critical = Signal("breaker-open", AlertSeverity.Critical, "openai");
        var error = Signal("breaker-open", AlertSeverity.Error, "anthropic");
        var warning = Signal("breaker-open", AlertSeverity.Warning, "mistral");
        for (int minute = 0; minute <= 150; minute++)
        {
            foreach (var n in book.Evaluate([critical, error, warning]).Notifications)
            {
                at.Add((minute, $"{n.GroupLabels["provider"]}:{n.Level}:{n.Channel}"));
            }

            time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(
            [
                (0, "anthropic:0:email"), (0, "anthropic:0:slack"), (0, "mistral:0:email"), (0, "mistral:0:slack"), (0, "openai:0:email"), (0, "openai:0:slack"),
                (30, "anthropic:1:pagerduty"), (30, "openai:1:pagerduty"),
                (60, "openai:2:phone"),
                (120, "openai:3:sms"),
            ],
            at.OrderBy(static a => a.Minute).ThenBy(static a => a.Note, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void Acknowledge_StopsEscalationAndRepeats_ButTheAlertStillResolves_AndNotifiesItsChannels()
    {
        var (book, time) = Book();
        book.Evaluate([Signal("breaker-open")]);
        time.Advance(TimeSpan.FromMinutes(10));
        string id = book.Alerts()[0].Id;
        var (ack, outcome) = book.Acknowledge(id, "alice", "looking");
        Assert.Equal(AlertActionOutcome.Done, outcome);
        Assert.Empty(ack!.Notifications);
        var view = book.Find(id)!;
        Assert.Equal(AlertState.Acknowledged, view.State);
        Assert.Equal("alice", view.AcknowledgedBy);
        Assert.Equal("looking", view.AcknowledgeNote);
        Assert.Equal(time.GetUtcNow(), view.AcknowledgedAt);

        for (int i = 0; i < 60 * 5; i++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            Assert.Empty(book.Evaluate([Signal("breaker-open")]).Notifications);
        }

        time.Advance(TimeSpan.FromMinutes(5));
        var resolved = book.Evaluate([]);
        Assert.Equal(["Resolved:-:email", "Resolved:-:slack"], Brief(resolved));
        Assert.Equal(AlertState.Resolved, book.Find(id)!.State);
        Assert.Equal(AlertActionOutcome.AlreadyResolved, book.Acknowledge(id, "bob", null).Outcome);
        Assert.Equal(AlertActionOutcome.NotFound, book.Acknowledge("nope", "bob", null).Outcome);
    }

    [Fact]
    public void Resolve_ByAnOperator_ResolvesNow_AndTheConditionSignalledAgainIsANewAlert()
    {
        var (book, time) = Book();
        book.Evaluate([Signal("breaker-open")]);
        string first = book.Alerts()[0].Id;
        time.Advance(TimeSpan.FromMinutes(1));
        var (changes, outcome) = book.Resolve(first, "bob");
        Assert.Equal(AlertActionOutcome.Done, outcome);
        Assert.Equal(["Resolved:-:email", "Resolved:-:slack"], Brief(changes!));
        Assert.Equal("bob", book.Find(first)!.ResolvedBy);

        time.Advance(TimeSpan.FromSeconds(15));
        var again = book.Evaluate([Signal("breaker-open")]);
        Assert.Equal(["Firing:0:email", "Firing:0:slack"], Brief(again));
        var alerts = book.Alerts();
        Assert.Equal(2, alerts.Count);
        Assert.NotEqual(first, alerts.Single(static a => a.State == AlertState.Firing).Id);
        Assert.Empty(book.Resolve(first, "bob").Changes!.Notifications);
    }

    [Fact]
    public void Grouping_AlertsOfOneRuleAndProvider_ChangingTogether_GoOutInOneNotification()
    {
        var (book, _) = Book();
        var changes = book.Evaluate(
        [
            Signal("repeated-error", AlertSeverity.Warning, "openai", "chat"),
            Signal("repeated-error", AlertSeverity.Warning, "openai", "embeddings"),
            Signal("repeated-error", AlertSeverity.Warning, "anthropic", "chat"),
            Signal("new-error", AlertSeverity.Warning, "openai", "chat"),
        ]);

        var slack = changes.Notifications.Where(static n => n.Channel == "slack").ToList();
        Assert.Equal(3, slack.Count);
        var openai = slack.Single(n => n.Alerts[0].Rule == "repeated-error" && n.GroupLabels["provider"] == "openai");
        Assert.Equal(["chat", "embeddings"], openai.Alerts.Select(static a => a.Labels["route"]).Order(StringComparer.Ordinal));
        Assert.Equal(slack.Count, slack.Select(static n => n.Id).Distinct().Count());
    }

    [Fact]
    public void GroupBy_OtherLabels_SplitOrMergeGroups()
    {
        var (book, _) = Book(Settings() with { GroupBy = [] });
        var changes = book.Evaluate([Signal("repeated-error", AlertSeverity.Warning, "openai"), Signal("repeated-error", AlertSeverity.Warning, "anthropic")]);
        var slack = Assert.Single(changes.Notifications, static n => n.Channel == "slack");
        Assert.Equal(2, slack.Alerts.Count);
        Assert.Empty(slack.GroupLabels);
    }

    [Fact]
    public void Repeat_UnacknowledgedFiringAlert_IsNotifiedAgainEveryRepeatInterval_ToTheChannelsAlreadyNotified()
    {
        var (book, time) = Book(Settings() with { RepeatInterval = TimeSpan.FromHours(4) });
        book.Evaluate([Signal("breaker-open", AlertSeverity.Warning)]);
        var repeats = new List<(double Hours, string Note)>();
        for (int minute = 1; minute <= 9 * 60; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            foreach (var n in book.Evaluate([Signal("breaker-open", AlertSeverity.Warning)]).Notifications)
            {
                repeats.Add((minute / 60.0, $"{n.Kind}:{n.Channel}"));
            }
        }

        Assert.Equal([(4.0, "Repeat:email"), (4.0, "Repeat:slack"), (8.0, "Repeat:email"), (8.0, "Repeat:slack")], repeats.OrderBy(static r => r.Hours).ThenBy(static r => r.Note, StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void MaxAlerts_AtTheBound_ALessSevereNewcomerIsDropped_AMoreSevereOneEvictsTheLeastSevereNewest()
    {
        var (book, time) = Book(Settings() with { MaxAlerts = 2 });
        book.Evaluate([Signal("a", AlertSeverity.Warning, "p1"), Signal("b", AlertSeverity.Error, "p1")]);
        time.Advance(TimeSpan.FromSeconds(15));
        var dropped = book.Evaluate([Signal("a", AlertSeverity.Warning, "p1"), Signal("b", AlertSeverity.Error, "p1"), Signal("c", AlertSeverity.Info, "p1")]);
        Assert.Equal(["a", "b"], book.Alerts().Select(static a => a.Rule).Order(StringComparer.Ordinal));
        Assert.Empty(dropped.Notifications);

        var evicting = book.Evaluate([Signal("a", AlertSeverity.Warning, "p1"), Signal("b", AlertSeverity.Error, "p1"), Signal("d", AlertSeverity.Critical, "p1")]);
        Assert.Equal(["b", "d"], book.Alerts().Select(static a => a.Rule).Order(StringComparer.Ordinal));
        Assert.Single(evicting.RemovedAlertIds);
    }

    [Fact]
    public void ResolvedRetention_ResolvedAlertsAreListed_ThenForgotten()
    {
        var (book, time) = Book(Settings() with { ResolvedRetention = TimeSpan.FromHours(1), ResolveAfter = TimeSpan.FromMinutes(5) });
        book.Evaluate([Signal("breaker-open")]);
        string id = book.Alerts()[0].Id;
        time.Advance(TimeSpan.FromMinutes(5));
        book.Evaluate([]);
        time.Advance(TimeSpan.FromMinutes(59));
        Assert.Empty(book.Evaluate([]).RemovedAlertIds);
        Assert.NotNull(book.Find(id));
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal([id], book.Evaluate([]).RemovedAlertIds);
        Assert.Null(book.Find(id));
    }

    [Fact]
    public void Policies_FirstMatchingPolicyWins_ElseDefault_AndWithoutOneNothingIsNotified()
    {
        var payments = new EscalationPolicy("payments", [Matcher("route=payments")], [new EscalationLevel(TimeSpan.Zero, AlertSeverity.Info, ["pagerduty"])], false);
        var (book, _) = Book(Settings(payments, SeedPolicy()));
        var changes = book.Evaluate([Signal("breaker-open", route: "payments"), Signal("breaker-open", route: "chat")]);
        Assert.Equal(["Firing:0:email", "Firing:0:pagerduty", "Firing:0:slack"], Brief(changes));
        Assert.Equal("payments", changes.Notifications.Single(static n => n.Channel == "pagerduty").Alerts.Single().Labels["route"]);

        var (alone, _) = Book(Settings(payments));
        Assert.Equal(["Firing:0:pagerduty"], Brief(alone.Evaluate([Signal("breaker-open", route: "payments"), Signal("breaker-open", route: "chat")])));
        Assert.Equal(2, alone.Alerts().Count);
    }

    [Fact]
    public void ActiveCounts_CountFiringAndAcknowledged_NotSilenced_BySeverity()
    {
        var (book, _) = Book();
        book.Evaluate([Signal("a", AlertSeverity.Critical), Signal("b", AlertSeverity.Warning), Signal("c", AlertSeverity.Warning, "x")]);
        book.Acknowledge(book.Alerts().Single(static a => a.Rule == "b").Id, "alice", null);
        book.AddSilence(Silence("rule=c"));
        var counts = book.ActiveCounts();
        Assert.Equal(1, counts[AlertSeverity.Critical]);
        Assert.Equal(1, counts[AlertSeverity.Warning]);
        Assert.Equal(0, counts[AlertSeverity.Error]);
    }

    internal static AlertSilence Silence(string matcher, DateTimeOffset? startsAt = null, DateTimeOffset? endsAt = null)
    {
        var m = Matcher(matcher);
        return new AlertSilence
        {
            Id = Guid.NewGuid().ToString("N"),
            Matchers = [new AlertSilenceMatcher(m.Name, m.OperatorText, m.Value)],
            StartsAt = startsAt ?? Start,
            EndsAt = endsAt ?? Start.AddDays(1),
            CreatedBy = "test",
            CreatedAt = Start,
        };
    }
}
