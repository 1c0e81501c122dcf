using System.Net;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Deferral;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary><c>dead-letters</c>: a deferred request whose provider keeps failing dies in the real store, and is signalled per queue until purged.</summary>
public sealed class DeadLetterSignalsTests
{
    [Fact]
    public async Task DeadDelivery_IsSignalledForItsQueue_WithItsCount()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress, maxAttempts: 2), DeferralConfigs.Environment);
        var source = gateway.Services.GetServices<IAlertSignalSource>().OfType<DeadLetterSignals>().Single();
        Assert.Empty(await source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));

        var locations = new List<string>();
        foreach (string key in new[] { "dead-1", "dead-2" })
        {
            using var accepted = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", key, """{"amount":5}"""));
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            locations.Add(accepted.Headers.Location!.ToString());
        }

        foreach (string location in locations)
        {
            await DeferralTests.PollStateAsync(gateway, location, "dead");
        }

        var signal = Assert.Single(await source.EvaluateAsync(DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Equal(("dead-letters", AlertSeverity.Warning, 2.0), (signal.Rule, signal.Severity, signal.Value));
        Assert.Equal(new Dictionary<string, string> { ["queue"] = "/payments/{**rest}" }, signal.Labels);
        Assert.Equal("2 dead deliveries in queue '/payments/{**rest}'", signal.Summary);
        Assert.DoesNotContain("provider-secret-42", signal.Description, StringComparison.Ordinal);
    }
}
