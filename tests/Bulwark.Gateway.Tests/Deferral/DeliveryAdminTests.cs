using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>The operator's side: dead letters listed, replayed and purged, behind the admin token.</summary>
public sealed class DeliveryAdminTests
{
    [Fact]
    public async Task DeadLetter_IsListed_Replayed_Delivered_ThenPurged()
    {
        await using var provider = await Upstream.StartAsync();
        provider.Behaviour = Upstream.Status(503);
        await using var gateway = await GatewayUnderTest.StartAsync(DeferralConfigs.Payments(provider.BaseAddress, maxAttempts: 2), DeferralConfigs.Environment);

        using var accepted = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "dead-1", """{"amount":5}"""));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        string location = accepted.Headers.Location!.ToString();
        string id = location[(location.LastIndexOf('/') + 1)..];
        await DeferralTests.PollStateAsync(gateway, location, "dead");

        using (var unauthorized = await gateway.Client.GetAsync("/admin/deliveries?state=dead"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        }

        var dead = await Admin(gateway, HttpMethod.Get, "/admin/deliveries?state=dead");
        Assert.Equal(1, dead.GetProperty("counts").GetProperty("dead").GetInt64());
        var entry = dead.GetProperty("deliveries")[0];
        Assert.Equal(id, entry.GetProperty("id").GetString());
        Assert.Contains("Gave up after 2 attempt(s)", entry.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("provider-secret-42", dead.ToString(), StringComparison.Ordinal);

        // A repeated key for a dead delivery is told so, and nothing is sent.
        int sent = provider.Requests;
        using (var repeat = await gateway.Client.SendAsync(DeferralTests.Post("/payments/charges", "dead-1", """{"amount":5}""")))
        {
            Assert.Equal(HttpStatusCode.BadGateway, repeat.StatusCode);
            Assert.EndsWith("delivery-given-up", (await Problem.ReadAsync(repeat)).GetProperty("type").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(sent, provider.Requests);

        provider.Behaviour = static async (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status201Created;
            await context.Response.WriteAsync("{}");
        };
        var replayed = await Admin(gateway, HttpMethod.Post, $"/admin/deliveries/{id}/replay");
        Assert.Equal("pending", replayed.GetProperty("state").GetString());
        await DeferralTests.PollStateAsync(gateway, location, "delivered");

        var notDead = await AdminResponse(gateway, HttpMethod.Post, $"/admin/deliveries/{id}/replay");
        Assert.Equal(HttpStatusCode.BadRequest, notDead.StatusCode);

        var purged = await Admin(gateway, HttpMethod.Delete, "/admin/deliveries?state=delivered");
        Assert.Equal(1, purged.GetProperty("purged").GetInt32());
        using var gone = await gateway.Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);

        var badPurge = await AdminResponse(gateway, HttpMethod.Delete, "/admin/deliveries?state=pending");
        Assert.Equal(HttpStatusCode.BadRequest, badPurge.StatusCode);
    }

    [Fact]
    public async Task StuckWork_IsListed_AndReleasedBackToTheQueue()
    {
        await using var provider = await Upstream.StartAsync();

        // The dispatcher returns work whose lease ran out on its own: on its first pass, which runs in the background
        // once the gateway has started, then once per sweep interval (an hour here).
        await using var gateway = await GatewayUnderTest.StartAsync(
            DeferralConfigs.Payments(provider.BaseAddress, deliveriesExtra: ", \"SweepInterval\": \"01:00:00\""),
            DeferralConfigs.Environment);
        var store = gateway.Services.GetRequiredService<Bulwark.Gateway.Storage.GatewayStore>();
        var time = gateway.Services.GetRequiredService<TimeProvider>();
        var now = time.GetUtcNow();
        Bulwark.Deliveries.DeliveryEntry Entry(string key) => new()
        {
            Id = Bulwark.Deliveries.DeliveryIds.Create(),
            Queue = "/payments/{**rest}",
            IdempotencyKey = key,
            Envelope = new Bulwark.Deliveries.DeliveryEnvelope("POST", "/payments/charges", [], "application/json", "{}"u8.ToArray()),
            MaxAttempts = 5,
            CreatedAt = now.AddMinutes(-5),
            ExpiresAt = now.AddHours(1),
            NextAttemptAt = now.AddMinutes(-5),
        };

        // Wait for that first pass (it delivers a due entry after sweeping): work left stuck before it would be returned
        // by its sweep, and the admin would find nothing stuck.
        await store.EnqueueAsync(Entry("first-pass"), CancellationToken.None);
        await Poll.UntilAsync(() => provider.Snapshot().Any(r => r.Headers.TryGetValue("Idempotency-Key", out var key) && key == "first-pass"), "the dispatcher's first pass");

        // Work another machine's dispatcher took and never finished: its lease ran out a minute ago.
        await store.EnqueueAsync(
            Entry("stuck-1") with
            {
                State = Bulwark.Deliveries.DeliveryState.InProgress,
                Attempts = 1,
                LeaseOwner = "other-machine/1/abc",
                LeaseExpiresAt = now.AddMinutes(-1),
            },
            CancellationToken.None);

        var stuck = await Admin(gateway, HttpMethod.Get, "/admin/deliveries/stuck");
        Assert.Equal(1, stuck.GetProperty("deliveries").GetArrayLength());
        Assert.Equal("other-machine/1/abc", stuck.GetProperty("deliveries")[0].GetProperty("leaseOwner").GetString());

        var released = await Admin(gateway, HttpMethod.Post, "/admin/deliveries/stuck/release");
        Assert.Equal(1, released.GetProperty("released").GetInt32());
        await Poll.UntilAsync(() => provider.Snapshot().Any(r => r.Headers.TryGetValue("Idempotency-Key", out var key) && key == "stuck-1"), "the released work to be delivered");
    }

    private static async Task<JsonElement> Admin(GatewayUnderTest gateway, HttpMethod method, string path)
    {
        using var response = await AdminResponse(gateway, method, path);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<HttpResponseMessage> AdminResponse(GatewayUnderTest gateway, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DeferralConfigs.AdminToken);
        return await gateway.Client.SendAsync(request);
    }
}
