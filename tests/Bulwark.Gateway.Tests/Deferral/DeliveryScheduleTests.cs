using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>
/// When deferred requests are attempted (<c>Bulwark:Deliveries</c>): the backoff before an attempt, how often the
/// dispatcher looks for due work, and how long one attempt may run. The gateway's clock is a fake one the test moves.
/// </summary>
public sealed class DeliveryScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The direct attempt counts as the first, so the first delivery waits one backoff: exponential from
    /// <c>BaseDelay</c>, capped at <c>MaxDelay</c>, with equal jitter (between half and all of it). The defaults (1 s,
    /// 5 min) would give 0.5 to 1 s.
    /// </summary>
    [Theory]
    [InlineData("\"BaseDelay\": \"00:02:00\"", 60, 120)]
    [InlineData("\"BaseDelay\": \"00:10:00\", \"MaxDelay\": \"00:00:20\"", 10, 20)]
    public async Task FirstDelivery_IsScheduledOneBackoffAfterAcceptance_AndMadeWhenThatTimeComes(string backoff, int fromSeconds, int toSeconds)
    {
        var time = new FakeTimeProvider(Start);
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(Deliveries.Created);
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: backoff), timeProvider: time);

        string location = await Deliveries.DeferAsync(gateway, "scheduled-1");
        var status = await Deliveries.StatusAsync(gateway, location);
        var accepted = status.GetProperty("acceptedAt").GetDateTimeOffset();
        var next = status.GetProperty("nextAttemptAt").GetDateTimeOffset();

        Assert.InRange(next - accepted, TimeSpan.FromSeconds(fromSeconds), TimeSpan.FromSeconds(toSeconds));
        time.SetUtcNow(next);
        Assert.Equal("delivered", await Deliveries.UntilStateAsync(gateway, location, "delivered", "dead"));
        Assert.Single(Deliveries.Of(provider));
    }

    /// <summary>
    /// Nothing wakes the dispatcher when a stored request becomes due: it finds it at its next look, every
    /// <c>PollInterval</c>. With a 130 ms interval, moving the clock 130 ms delivers a request due within 100 ms; with the
    /// 1 s default it would still wait.
    /// </summary>
    [Fact]
    public async Task RequestComingDue_IsFoundAtTheDispatchersNextLook_EveryPollInterval()
    {
        var pollInterval = TimeSpan.FromMilliseconds(130);
        var time = new RecordingTimeProvider(Start);
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(Deliveries.Created);
        await using var gateway = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00.100\", \"PollInterval\": \"00:00:00.130\""),
            timeProvider: time);

        string location = await Deliveries.DeferAsync(gateway, "polled-1");

        // The dispatcher looks once when started, and again when the request is stored (not yet due): after each look it
        // waits one poll interval on the gateway's clock.
        await Poll.UntilAsync(() => time.TimersWithDueTime(pollInterval) >= 2, "the dispatcher to wait for its next look");
        Assert.Empty(Deliveries.Of(provider));
        time.Advance(pollInterval);

        await Poll.UntilAsync(() => Deliveries.Of(provider).Length == 1, "the request to be delivered at the dispatcher's next look");
        await DeferralTests.PollStateAsync(gateway, location, "delivered");
    }

    /// <summary>
    /// A delivery attempt the provider leaves hanging is cancelled after <c>AttemptTimeout</c> (2 s here; the default is
    /// a minute) and counted as failed; the request waits for its next attempt (the next look, a minute away here).
    /// </summary>
    [Fact]
    public async Task HangingDeliveryAttempt_IsCancelledAfterAttemptTimeout_AndCountedAsFailed()
    {
        var time = new FakeTimeProvider(Start);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(Upstream.HangUntilAborted(aborted));
        await using var gateway = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00\", \"AttemptTimeout\": \"00:00:02\", \"PollInterval\": \"00:01:00\""),
            timeProvider: time);

        string location = await Deliveries.DeferAsync(gateway, "hangs-1");
        await Poll.UntilAsync(() => Deliveries.Of(provider).Length == 1, "the delivery attempt to reach the provider");
        time.Advance(TimeSpan.FromSeconds(2));

        await Poll.WithinAsync(aborted.Task, "the hanging attempt to be cancelled");
        string? lastError = null;
        await Poll.UntilAsync(
            () =>
            {
                var view = Deliveries.OperatorViewAsync(gateway, location).GetAwaiter().GetResult();
                lastError = view.TryGetProperty("lastError", out var error) ? error.GetString() : null;
                return view.GetProperty("attempts").GetInt32() == 2 && view.GetProperty("state").GetString() == "pending";
            },
            "the timed-out attempt to be recorded");
        Assert.Equal("The attempt timed out after 2 s.", lastError);
    }
}
