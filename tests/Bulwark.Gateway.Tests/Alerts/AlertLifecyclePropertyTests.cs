using Bulwark.Gateway.Alerts;
using CsCheck;
using static Bulwark.Gateway.Tests.Alerts.AlertBookTestKit;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>
/// Any sequence of signals, acknowledgements, operator resolves, silences and time steps: a resolved alert never notifies
/// again (but its one resolved notice), an acknowledged one never escalates or repeats, each (alert, level, channel) is
/// notified as firing at most once, and at most one alert is active per identity.
/// </summary>
public class AlertLifecyclePropertyTests
{
    private sealed record Op(int Kind, int Identity, int Severity, int Minutes);

    private static readonly Gen<Op> Ops = Gen.Select(Gen.Int[0, 9], Gen.Int[0, 5], Gen.Int[0, 3], Gen.Int[0, 200]).Select(static t => new Op(t.Item1, t.Item2, t.Item3, t.Item4));

    [Fact]
    public void AnySequence_KeepsTheLifecycleInvariants()
    {
        Ops.Array[1, 80].Sample(static ops =>
        {
            var (book, time) = Book(Settings() with { RepeatInterval = TimeSpan.FromMinutes(90), ResolveAfter = TimeSpan.FromMinutes(5), ResolvedRetention = TimeSpan.FromDays(30) });
            var state = new Dictionary<string, AlertState>(StringComparer.Ordinal);
            var firedLevels = new HashSet<(string, int?, string)>();
            var resolvedNotices = new HashSet<(string, string)>();
            var held = new List<AlertSignal>();

            void Check(AlertChanges? changes)
            {
                foreach (var notification in changes?.Notifications ?? [])
                {
                    foreach (var item in notification.Alerts)
                    {
                        var before = state.GetValueOrDefault(item.Id, AlertState.Firing);
                        if (notification.Kind == AlertNotificationKind.Resolved)
                        {
                            Assert.True(resolvedNotices.Add((item.Id, notification.Channel)), "a resolved notice went twice to one channel");
                            continue;
                        }

                        Assert.True(before == AlertState.Firing, $"{notification.Kind} for an alert that was {before}");
                        if (notification.Kind == AlertNotificationKind.Firing)
                        {
                            Assert.True(firedLevels.Add((item.Id, notification.Level, notification.Channel)), "a level notified twice");
                        }
                    }
                }

                var active = book.Alerts(static a => a.State != AlertState.Resolved);
                Assert.Equal(active.Count, active.Select(static a => AlertBook.IdentityOf(a.Rule, a.Labels)).Distinct().Count());
                foreach (var alert in book.Alerts())
                {
                    if (state.TryGetValue(alert.Id, out var was) && was == AlertState.Resolved)
                    {
                        Assert.Equal(AlertState.Resolved, alert.State);
                    }

                    state[alert.Id] = alert.State;
                }
            }

            foreach (var op in ops)
            {
                var alerts = book.Alerts();
                switch (op.Kind)
                {
                    case <= 3:
                        held.Add(Signal($"rule-{op.Identity % 3}", (AlertSeverity)op.Severity, $"p{op.Identity % 2}"));
                        Check(book.Evaluate(held));
                        break;
                    case 4:
                        held.Clear();
                        Check(book.Evaluate(held));
                        break;
                    case 5 when alerts.Count > 0:
                        Check(book.Acknowledge(alerts[op.Identity % alerts.Count].Id, "op", null).Changes);
                        break;
                    case 6 when alerts.Count > 0:
                        Check(book.Resolve(alerts[op.Identity % alerts.Count].Id, "op").Changes);
                        break;
                    case 7:
                        Check(book.AddSilence(AlertBookTests.Silence($"provider=p{op.Identity % 2}", time.GetUtcNow(), time.GetUtcNow().AddMinutes(op.Minutes + 1))));
                        break;
                    default:
                        time.Advance(TimeSpan.FromMinutes(op.Minutes));
                        Check(book.Evaluate(held));
                        break;
                }
            }
        }, iter: 300);
    }
}
