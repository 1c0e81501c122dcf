using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Polly.CircuitBreaker;

namespace Bulwark.Gateway.Tests.Forwarding;

public class CancellationTests
{
    [Fact]
    public async Task Get_ClientCancels_UpstreamIsAborted_AndBreakerRecordsNoFailure()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        primary.Behaviour = Upstream.HangUntilAborted(aborted);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));
        var breaker = gateway.Services.GetRequiredService<GatewayRouteTable>().Providers["primary"].Pipeline.CircuitBreaker!;

        using var cancel = new CancellationTokenSource();
        var call = gateway.Client.GetAsync("/api/slow", cancel.Token);
        await Poll.UntilAsync(() => primary.Requests == 1 && gateway.ActiveRequests == 1, "the request to reach the primary");
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await Poll.WithinAsync(aborted.Task, "the gateway to abort the upstream request");
        await gateway.WaitUntilIdleAsync();

        var health = breaker.GetHealth();
        Assert.Equal(0, health.WindowFailures);
        Assert.Equal(0, health.ConsecutiveFailures);
        Assert.Equal(CircuitState.Closed, health.State);
        Assert.Equal(1, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }
}
