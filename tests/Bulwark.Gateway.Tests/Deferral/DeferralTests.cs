using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>Deferral routes against a real provider that is down, then comes back: accepted once, delivered once.</summary>
public sealed class DeferralTests
{
    private static readonly Func<HttpContext, int, Task> Down = Upstream.Status(503);

    private static readonly Func<HttpContext, int, Task> Created = static async (context, _) =>
    {
        context.Response.StatusCode = StatusCodes.Status201Created;
        await context.Response.WriteAsJsonAsync(new { charged = true, key = context.Request.Headers["Idempotency-Key"].ToString() });
    };

    [Fact]
    public async Task EveryProviderDown_KeyedPost_Is202_ThenDeliveredOnce_WithKeyAndFreshCredentials()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Down;
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);

        using var request = Post("/payments/charges?currency=eur", "order-1", """{"amount":42}""");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "client-own-token");
        request.Headers.Add("X-Customer", "c-7");
        request.Headers.Add("X-Not-Replayed", "dropped");
        using var accepted = await gateway.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var location = accepted.Headers.Location!.ToString();
        Assert.Matches("^/bulwark/deliveries/[0-9a-f]{32}$", location);
        Assert.Equal("order-1", accepted.Headers.GetValues("Idempotency-Key").Single());
        var body = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("pending", body.GetProperty("state").GetString());
        int directAttempts = provider.Requests;
        Assert.True(directAttempts >= 1);

        provider.Behaviour = Created;
        await PollStateAsync(gateway, location, "delivered");

        var received = provider.Snapshot();
        var successes = received.Skip(directAttempts).Where(r => r.PathAndQuery == "/payments/charges?currency=eur").ToArray();
        Assert.NotEmpty(successes);
        Assert.All(received, r => Assert.Equal("order-1", r.Headers["Idempotency-Key"]));
        var delivered = received[^1];
        Assert.Equal("POST", delivered.Method);
        Assert.Equal("""{"amount":42}""", Encoding.UTF8.GetString(delivered.Body));
        Assert.Equal("Bearer provider-secret-42", delivered.Headers["Authorization"]);
        Assert.Equal("c-7", delivered.Headers["X-Customer"]);
        Assert.False(delivered.Headers.ContainsKey("X-Not-Replayed"));
        Assert.StartsWith("application/json", delivered.Headers["Content-Type"], StringComparison.Ordinal);

        var status = await gateway.Client.GetFromJsonAsync<JsonElement>(location);
        Assert.Equal(201, status.GetProperty("upstreamStatus").GetInt32());
        Assert.False(status.TryGetProperty("lastError", out _), "the client's view shows no internals");
    }

    [Fact]
    public async Task RepeatedKey_AfterDelivery_GetsTheStoredResponse_AndNothingIsSentAgain()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Down;
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);

        using var first = await gateway.Client.SendAsync(Post("/payments/charges", "order-2", """{"amount":1}"""));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        using var pendingRepeat = await gateway.Client.SendAsync(Post("/payments/charges", "order-2", """{"amount":1}"""));
        Assert.Equal(HttpStatusCode.Accepted, pendingRepeat.StatusCode);
        Assert.Equal(first.Headers.Location, pendingRepeat.Headers.Location);

        provider.Behaviour = Created;
        await PollStateAsync(gateway, first.Headers.Location!.ToString(), "delivered");
        int sent = provider.Requests;

        using var repeat = await gateway.Client.SendAsync(Post("/payments/charges", "order-2", """{"amount":1}"""));
        Assert.Equal(HttpStatusCode.Created, repeat.StatusCode);
        Assert.Equal("true", repeat.Headers.GetValues("X-Bulwark-Replayed").Single());
        var stored = await repeat.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("order-2", stored.GetProperty("key").GetString());
        Assert.Equal(sent, provider.Requests);
    }

    [Fact]
    public async Task ConcurrentSubmissionsOfOneKey_StoreOneEntry_AndDeliverOnce()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Down;
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => gateway.Client.SendAsync(Post("/payments/charges", "order-3", """{"amount":3}"""))));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var locations = responses.Select(r => r.Headers.Location!.ToString()).Distinct().ToArray();
        Assert.Single(locations);

        int beforeHealing = provider.Requests;
        provider.Behaviour = Created;
        await PollStateAsync(gateway, locations[0], "delivered");
        await gateway.WaitUntilIdleAsync();
        var deliveries = provider.Snapshot().Skip(beforeHealing).ToArray();
        Assert.Single(deliveries);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task NoKey_OnADeferringRoute_GetsAProblemThatSaysAKeyMakesItDeferrable()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Down;
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);

        using var response = await gateway.Client.SendAsync(Post("/payments/charges", key: null, """{"amount":4}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Contains("Idempotency-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BodyOverTheDeferralLimit_Is413_AndNoProviderIsCalled()
    {
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);

        using var response = await gateway.Client.SendAsync(Post("/payments/uploads", "big-1", new string('x', 5000)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Contains("4096", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, provider.Requests);
    }

    [Theory]
    [InlineData("not-an-id")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    public async Task UnknownOrMalformedDeliveryId_Is404ProblemJson(string id)
    {
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);

        using var response = await gateway.Client.GetAsync("/bulwark/deliveries/" + id);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await Problem.ReadAsync(response);
        Assert.EndsWith("delivery-not-found", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FullStore_RefusesTheDeferralWith503_AndEveryAcknowledgedRequestIsKept()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Down;
        await using var gateway = await GatewayUnderTest.StartAsync(
            DeferralConfigs.Payments(provider.BaseAddress, bulwarkExtra: """ "Storage": { "MaxSizeBytes": 131072 }, """),
            DeferralConfigs.Environment);

        var acknowledged = new List<string>();
        HttpStatusCode last = HttpStatusCode.Accepted;
        JsonElement refusal = default;
        for (int i = 0; i < 200 && last == HttpStatusCode.Accepted; i++)
        {
            using var response = await gateway.Client.SendAsync(Post("/payments/charges", $"fill-{i}", new string('p', 4000)));
            last = response.StatusCode;
            if (last == HttpStatusCode.Accepted)
            {
                acknowledged.Add(response.Headers.Location!.ToString());
            }
            else
            {
                refusal = await Problem.ReadAsync(response);
            }
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, last);
        Assert.EndsWith("deferral-unavailable", refusal.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Contains("NOT accepted", refusal.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(acknowledged.Count >= 5, $"only {acknowledged.Count} fitted");
        using (var ready = await gateway.Client.GetAsync("/health/ready"))
        {
            string readiness = await ready.Content.ReadAsStringAsync();
            Assert.Contains("Degraded", readiness, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("deferrals are being refused", readiness, StringComparison.Ordinal);
        }

        foreach (var location in acknowledged)
        {
            using var status = await gateway.Client.GetAsync(location);
            Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        }
    }

    [Fact]
    public async Task Deferrals_AreCounted_OnTheBulwarkMeter()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Down;
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);

        // This gateway's own instruments only (tests run gateways side by side; their meters share the name).
        var factory = gateway.Services.GetRequiredService<IMeterFactory>();
        var recorded = new ConcurrentQueue<(string Instrument, long Value, string Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, factory) && instrument.Name.StartsWith("bulwark.deliveries.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            recorded.Enqueue((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        using var accepted = await gateway.Client.SendAsync(Post("/payments/charges", "metered-1", """{"amount":6}"""));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await Poll.UntilAsync(() => recorded.Any(r => r.Instrument == "bulwark.deliveries.attempts"), "a delivery attempt to be counted");

        Assert.Contains(recorded, r => r is { Instrument: "bulwark.deliveries.accepted", Value: 1, Tags: "bulwark.queue=/payments/{**rest}" });
        Assert.Contains(recorded, r => r.Instrument == "bulwark.deliveries.attempts" && r.Tags.Contains("bulwark.result=failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyReusedForAnotherRequest_Is422_AndTheFirstEntryIsNeitherAnsweredNorReplaced()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Down;
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);
        using var first = await gateway.Client.SendAsync(Post("/payments/charges", "order-9", """{"amount":5}"""));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);

        using var otherBody = await gateway.Client.SendAsync(Post("/payments/charges", "order-9", """{"amount":500}"""));
        using var otherPath = await gateway.Client.SendAsync(Post("/payments/refunds/1", "order-9", """{"amount":5}"""));

        foreach (var reused in new[] { otherBody, otherPath })
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
            Assert.False(reused.Headers.Contains("Location"));
            Assert.EndsWith("idempotency-key-reused", (await Problem.ReadAsync(reused)).GetProperty("type").GetString(), StringComparison.Ordinal);
        }

        // (The deferred first request is being retried meanwhile; neither reuse reached the provider.)
        Assert.All(provider.Snapshot(), r => Assert.Equal(("/payments/charges", """{"amount":5}"""), (r.PathAndQuery, Encoding.UTF8.GetString(r.Body))));
        var store = gateway.Services.GetRequiredService<Bulwark.Gateway.Storage.GatewayStore>();
        var entry = Assert.Single(await store.ListAsync(null, 10, CancellationToken.None));
        Assert.Equal("""{"amount":5}""", Encoding.UTF8.GetString(entry.Envelope.Body.Span));
    }

    [Fact]
    public async Task IdempotencyKeyLongerThan255_Is400_AndNothingIsSent()
    {
        await using var provider = await Upstream.StartAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);

        using var response = await gateway.Client.SendAsync(Post("/payments/charges", new string('k', 256), "{}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.EndsWith("bad-idempotency-key", (await Problem.ReadAsync(response)).GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, provider.Requests);
    }

    [Fact]
    public async Task EncodedQuestionMarkInThePath_IsDeliveredEncoded_NeverAsAQuery()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Down;
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress), DeferralConfigs.Environment);
        using var accepted = await gateway.Client.SendAsync(Post("/payments/charges%3Famount=0%26x=", "encoded-1", "{}"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        string live = provider.Snapshot()[0].PathAndQuery;

        provider.Behaviour = Created;
        await PollStateAsync(gateway, accepted.Headers.Location!.ToString(), "delivered");

        var delivered = provider.Snapshot()[^1];
        Assert.Equal(live, delivered.PathAndQuery);
        Assert.DoesNotContain('?', delivered.PathAndQuery);
    }

    internal static HttpRequestMessage Post(string path, string? key, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    internal static async Task PollStateAsync(GatewayUnderTest gateway, string location, string state)
    {
        string? seen = null;
        await Poll.UntilAsync(
            () =>
            {
                using var response = gateway.Client.GetAsync(location).GetAwaiter().GetResult();
                seen = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.GetProperty("state").GetString();
                return seen == state;
            },
            $"delivery {location} to be {state} (last seen {seen})",
            TimeSpan.FromSeconds(30));
    }
}
