using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using static Bulwark.Gateway.Tests.Alerts.AlertBookTestKit;

namespace Bulwark.Gateway.Tests.Alerts;

public class AlertInhibitionTests
{
    [Fact]
    public void Default_BreakerOpen_InhibitsTheErrorAlertsOfTheSameProvider_Only()
    {
        var (book, _) = Book();
        var changes = book.Evaluate(
        [
            Signal("breaker-open", provider: "openai"),
            Signal("error-rate-high", provider: "openai"),
            Signal("error-rate-critical", provider: "openai"),
            Signal("error-anomaly", provider: "openai"),
            Signal("repeated-error", provider: "openai"),
            Signal("new-error", provider: "openai"),
            Signal("error-rate-high", provider: "anthropic"),
        ]);

        var breaker = book.Alerts().Single(static a => a.Rule == "breaker-open");
        var notified = changes.Notifications.SelectMany(static n => n.Alerts).Select(static a => $"{a.Rule}/{a.Labels["provider"]}").Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["breaker-open/openai", "error-rate-high/anthropic", "new-error/openai"], notified);
        foreach (var inhibited in book.Alerts().Where(static a => a.Labels["provider"] == "openai" && a.Rule is "error-rate-high" or "error-rate-critical" or "error-anomaly" or "repeated-error"))
        {
            Assert.Equal([breaker.Id], inhibited.InhibitedBy);
            Assert.Equal(AlertState.Firing, inhibited.State);
        }

        Assert.Empty(book.Alerts().Single(static a => a.Rule == "error-rate-high" && a.Labels["provider"] == "anthropic").InhibitedBy);
    }

    [Fact]
    public void SourceResolving_ReleasesTheTargets_WhichAreNotifiedThen()
    {
        var (book, time) = Book();
        book.Evaluate([Signal("breaker-open"), Signal("error-rate-high")]);
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Empty(book.Evaluate([Signal("error-rate-high")]).Notifications);
        time.Advance(TimeSpan.FromMinutes(1));
        var changes = book.Evaluate([Signal("error-rate-high")]);
        Assert.Contains(changes.Notifications, static n => n.Kind == AlertNotificationKind.Resolved && n.Alerts[0].Rule == "breaker-open");
        Assert.Contains(changes.Notifications, static n => n.Kind == AlertNotificationKind.Firing && n.Alerts[0].Rule == "error-rate-high");
    }

    [Fact]
    public void ConfiguredRules_ReplaceTheDefault_AndEqualLabelsMustMatch()
    {
        var rules = InhibitRule.From(
        [
            new GatewayAlertInhibitRuleOptions { SourceMatchers = ["rule=store-degraded"], TargetMatchers = ["severity!=x", "rule!~store-.*"], Equal = ["region"] },
        ]);
        var (book, _) = Book(Settings() with { Inhibit = rules });
        AlertSignal With(string rule, string region) => new(rule, new Dictionary<string, string> { ["region"] = region, ["provider"] = "openai" }, AlertSeverity.Critical, rule);
        book.Evaluate([With("store-degraded", "eu"), With("breaker-open", "eu"), With("breaker-open-2", "us"), With("error-rate-high", "eu")]);

        var alerts = book.Alerts().ToDictionary(static a => a.Rule);
        string source = alerts["store-degraded"].Id;
        Assert.Equal([source], alerts["breaker-open"].InhibitedBy);
        Assert.Equal([source], alerts["error-rate-high"].InhibitedBy);
        Assert.Empty(alerts["breaker-open-2"].InhibitedBy);
        Assert.Empty(alerts["store-degraded"].InhibitedBy);
    }
}
