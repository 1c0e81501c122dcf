using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Forwarding;

public class RetryTests
{
    [Fact]
    public async Task Get_TransientStatusThenOk_IsRetriedOnSameProvider()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) => n == 1 ? Upstream.Status(503)(context, n) : Upstream.Ok(context, n);
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress));

        using var response = await gateway.Client.GetAsync("/api/retry");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("X-Bulwark-Attempts").Single());
        Assert.Equal("primary", response.Headers.GetValues("X-Bulwark-Provider").Single());
        Assert.Equal(2, primary.Requests);
        Assert.Equal(0, secondary.Requests);
    }

    [Fact]
    public async Task Get_429WithRetryAfter_WaitsForTheProviderDelayBeforeRetrying()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = (context, n) =>
        {
            if (n == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "1";
                return Task.CompletedTask;
            }

            return Upstream.Ok(context, n);
        };
        var time = new RecordingTimeProvider();
        await using var gateway = await GatewayUnderTest.StartAsync(
            // The delivery dispatcher polls on the same clock: its timer must not look like the retry's 1 s delay.
            Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, Configs.RetryAfterPipeline, bulwarkExtra: "\"Deliveries\": { \"PollInterval\": \"00:00:07\" },"),
            timeProvider: time);

        // The host's start already made one-second timers of its own (the redaction warm-up's delay): the retry's is the
        // next one.
        var oneSecondTimersBefore = time.TimersWithDueTime(TimeSpan.FromSeconds(1));
        var call = gateway.Client.GetAsync("/api/limited");

        // The retry is parked on a one-second timer of the gateway's clock, and nothing else moves that clock.
        await Poll.UntilAsync(
            () => primary.Requests == 1 && time.TimersWithDueTime(TimeSpan.FromSeconds(1)) > oneSecondTimersBefore,
            "the 429 and the retry's 1 s delay");
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, primary.Requests);
        Assert.False(call.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await Poll.UntilAsync(() => primary.Requests == 2, "the retry once the provider's Retry-After has passed");
        using var response = await Poll.WithinAsync(call, "the response after the retry");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2", response.Headers.GetValues("X-Bulwark-Attempts").Single());
        Assert.Equal(0, secondary.Requests);
    }
}
