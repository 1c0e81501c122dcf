using System.Net;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Budgets;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Budgets;

/// <summary>Budget levels as alert signals: one real request spends its reservation against three budgets of different sizes.</summary>
public class BudgetSignalsTests
{
    [Fact]
    public async Task SpendAtEachLevel_IsWarningCriticalExhausted_LabelledByBudget_WithTheUserHashed()
    {
        await using var provider = await Upstream.StartAsync();
        long spend = BudgetsTests.Reservation();
        provider.Behaviour = BudgetsTests.Answer(spend - 50, 50);
        long warning = (long)Math.Ceiling(spend / 0.85);
        long critical = (long)Math.Ceiling(spend / 0.97);
        string budgets = $$"""
            { "Items": {
              "relaxed": { "Per": "User", "Period": "Day", "Tokens": {{warning}} },
              "tight":   { "Per": "User", "Period": "Day", "Tokens": {{critical}} },
              "exact":   { "Per": "User", "Period": "Day", "Tokens": {{spend}} },
              "roomy":   { "Per": "User", "Period": "Day", "Tokens": {{spend * 10}} }
            } }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(BudgetsTests.Config(provider.BaseAddress, budgets));
        var source = gateway.Services.GetServices<IAlertSignalSource>().OfType<BudgetSignals>().Single();
        Assert.Empty(await source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));

        using (var response = await gateway.Client.SendAsync(BudgetsTests.Chat("alice")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Poll.UntilAsync(() => source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None).AsTask().Result.Count == 3, "the request's spend to be settled");
        var signals = (await source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None)).OrderBy(static s => s.Labels["budget"], StringComparer.Ordinal).ToList();

        Assert.Equal(
            [("exact", "budget-exhausted", AlertSeverity.Critical), ("relaxed", "budget-warning", AlertSeverity.Warning), ("tight", "budget-critical", AlertSeverity.Error)],
            signals.Select(static s => (s.Labels["budget"], s.Rule, s.Severity)));
        Assert.All(signals, static s => Assert.Matches("^user-[0-9a-f]{12}$", s.Labels["subject"]));
        Assert.Single(signals.Select(static s => s.Labels["subject"]).Distinct());
        Assert.All(signals, static s => Assert.DoesNotContain("alice", s.Summary + s.Description, StringComparison.Ordinal));
        Assert.Equal(1.0, signals[0].Value);
        Assert.StartsWith("Budget 'exact' of user-", signals[0].Summary, StringComparison.Ordinal);
        Assert.EndsWith("is EXHAUSTED: 100% spent", signals[0].Summary, StringComparison.Ordinal);
    }
}
