using System.Net;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>
/// How long a deferred request lives, set per route (<c>Routes[i]:Defer</c>) or for every route (<c>Bulwark:Deliveries</c>):
/// the attempts and the time it may take before it is given up, how long a delivered one is kept to answer its key again,
/// and how much of the provider's answer is kept for that.
/// </summary>
public sealed class DeliveryLifetimeTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The direct attempt counts as the first: a delivery given up after N attempts was sent N - 1 times.</summary>
    [Theory]
    [InlineData(2, null, 2)]
    [InlineData(null, 3, 3)]
    [InlineData(2, 4, 2)]
    public async Task DeliveryThatKeepsFailing_IsDeadAfterMaxAttempts_TheRoutesOwnElseTheDeliveriesDefault(int? routeMaxAttempts, int? defaultMaxAttempts, int expected)
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Upstream.Status(StatusCodes.Status503ServiceUnavailable);
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.OneTryPerAttempt(
            provider.BaseAddress,
            deliveries: "\"BaseDelay\": \"00:00:00\"" + (defaultMaxAttempts is { } all ? $", \"MaxAttempts\": {all}" : string.Empty),
            defer: routeMaxAttempts is { } own ? $"\"MaxAttempts\": {own}" : null));

        string location = await Deliveries.DeferAsync(gateway, "gives-up-1");
        Assert.Equal("dead", await Deliveries.UntilStateAsync(gateway, location, "dead", "delivered"));

        var status = await Deliveries.StatusAsync(gateway, location);
        Assert.Equal(expected, status.GetProperty("maxAttempts").GetInt32());
        Assert.Equal(expected, status.GetProperty("attempts").GetInt32());
        Assert.Equal(expected - 1, Deliveries.Of(provider).Length);
        string lastError = (await Deliveries.OperatorViewAsync(gateway, location)).GetProperty("lastError").GetString()!;
        Assert.StartsWith($"Gave up after {expected} attempt(s)", lastError, StringComparison.Ordinal);
    }

    /// <summary>
    /// The provider would take the delivery, but the clock passes the time to live first: the delivery is given up
    /// without being sent (with the 24-hour default, or the other setting, it would be delivered).
    /// </summary>
    [Theory]
    [InlineData("00:05:00", null)]
    [InlineData(null, "00:05:00")]
    [InlineData("00:05:00", "01:00:00")]
    public async Task DeliveryNotMadeWithinTheTimeToLive_IsDead_WithoutBeingSent_TheRoutesOwnElseTheDeliveriesDefault(string? routeTimeToLive, string? defaultTimeToLive)
    {
        var time = new FakeTimeProvider(Start);
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(Deliveries.Created);
        await using var gateway = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(
                provider.BaseAddress,
                deliveries: "\"BaseDelay\": \"00:00:01\"" + (defaultTimeToLive is { } all ? $", \"TimeToLive\": \"{all}\"" : string.Empty),
                defer: routeTimeToLive is { } own ? $"\"TimeToLive\": \"{own}\"" : null),
            timeProvider: time);

        string location = await Deliveries.DeferAsync(gateway, "expires-1");
        var accepted = await Deliveries.StatusAsync(gateway, location);
        Assert.Equal(TimeSpan.FromMinutes(5), accepted.GetProperty("expiresAt").GetDateTimeOffset() - accepted.GetProperty("acceptedAt").GetDateTimeOffset());

        time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.Equal("dead", await Deliveries.UntilStateAsync(gateway, location, "dead", "delivered"));
        Assert.Empty(Deliveries.Of(provider));
        Assert.StartsWith("Time to live ended before delivery", (await Deliveries.OperatorViewAsync(gateway, location)).GetProperty("lastError").GetString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// A delivered request answers its key again with the stored response while it is kept; once
    /// <c>RetainDeliveredFor</c> has passed it is deleted, and the same key is a new request (with the 7-day default it
    /// would still be answered).
    /// </summary>
    [Fact]
    public async Task DeliveredRequest_IsKeptForRetainDeliveredFor_ThenDeleted_AndItsKeyIsANewRequest()
    {
        var time = new FakeTimeProvider(Start);
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(Deliveries.Created);
        await using var gateway = await GatewayUnderTest.StartAsync(
            DeferralConfigs.OneTryPerAttempt(provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00\", \"RetainDeliveredFor\": \"00:02:00\""),
            timeProvider: time);

        string location = await Deliveries.DeferAsync(gateway, "kept-1");
        Assert.Equal("delivered", await Deliveries.UntilStateAsync(gateway, location, "delivered", "dead"));
        using (var repeat = await gateway.Client.SendAsync(Repeat("kept-1")))
        {
            Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
            Assert.Equal("true", repeat.Headers.GetValues("X-Bulwark-Replayed").Single());
        }

        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        Assert.Equal("gone", await Deliveries.UntilStateAsync(gateway, location, "gone"));
        int sent = provider.Requests;
        using var anew = await gateway.Client.SendAsync(Repeat("kept-1"));
        Assert.Equal(HttpStatusCode.Accepted, anew.StatusCode);
        Assert.NotEqual(location, anew.Headers.Location!.ToString());
        Assert.True(provider.Requests > sent, "the key, no longer kept, was answered without reaching the provider");
    }

    /// <summary>
    /// A repeated key is answered with the provider's stored body only when the body fitted <c>MaxKeptResponseBytes</c>
    /// (1,024 here; the default keeps 64 KiB); a longer one is answered without it, and says so.
    /// </summary>
    [Theory]
    [InlineData(1000, false)]
    [InlineData(2000, true)]
    public async Task RepeatedKey_AfterDelivery_GetsTheStoredBody_OnlyWhenItFitsMaxKeptResponseBytes(int bodyBytes, bool notKept)
    {
        string body = new('b', bodyBytes);
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Deliveries.DirectFails(async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync(body);
        });
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.OneTryPerAttempt(
            provider.BaseAddress, deliveries: "\"BaseDelay\": \"00:00:00\", \"MaxKeptResponseBytes\": 1024"));

        string location = await Deliveries.DeferAsync(gateway, $"long-{bodyBytes}");
        Assert.Equal("delivered", await Deliveries.UntilStateAsync(gateway, location, "delivered", "dead"));
        using var repeat = await gateway.Client.SendAsync(Repeat($"long-{bodyBytes}"));

        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal("true", repeat.Headers.GetValues("X-Bulwark-Replayed").Single());
        Assert.Equal(notKept, repeat.Headers.TryGetValues("X-Bulwark-Replayed-Body", out var kept) && kept.Single() == "not-kept");
        Assert.Equal(notKept ? string.Empty : body, await repeat.Content.ReadAsStringAsync());
    }

    /// <summary>The same request as <see cref="Deliveries.DeferAsync"/> sent again: same key, target and body.</summary>
    private static HttpRequestMessage Repeat(string key)
    {
        var request = DeferralTests.Post("/payments/charges", key, $$"""{"key":"{{key}}"}""");
        request.Headers.Add(Deliveries.DirectHeader, "1");
        return request;
    }
}
