using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>The admin API of alerts and silences, and <c>/health</c>'s alerts section, on a real gateway and store.</summary>
public class AlertEndpointsTests
{
    private static AlertSignal Signal(string rule, AlertSeverity severity, string provider = "openai") =>
        new(rule, new Dictionary<string, string> { ["provider"] = provider }, severity, $"{rule} on {provider}", "detail", 0.5);

    private static async Task<JsonElement> GetAsync(GatewayUnderTest gateway, string path)
    {
        using var response = await gateway.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task ListAckResolve_ShowEveryField_Filter_AndStopEscalation()
    {
        var time = new FakeTimeProvider(AlertBookTestKit.Start);
        var source = new SetSignals { Signals = [Signal("breaker-open", AlertSeverity.Critical), Signal("error-rate-high", AlertSeverity.Warning, "anthropic")] };
        await using var gateway = await AlertGatewayKit.StartAsync(time, TestStore.NewPath(), source);
        await gateway.EvaluateAsync();

        var alerts = (await GetAsync(gateway, "/admin/alerts")).GetProperty("alerts");
        Assert.Equal(2, alerts.GetArrayLength());
        var breaker = alerts[0];
        Assert.Equal("breaker-open", breaker.GetProperty("rule").GetString());
        Assert.Equal("openai", breaker.GetProperty("labels").GetProperty("provider").GetString());
        Assert.Equal("critical", breaker.GetProperty("severity").GetString());
        Assert.Equal("firing", breaker.GetProperty("state").GetString());
        Assert.Equal("breaker-open on openai", breaker.GetProperty("summary").GetString());
        Assert.Equal("detail", breaker.GetProperty("description").GetString());
        Assert.Equal(0.5, breaker.GetProperty("value").GetDouble());
        Assert.Equal(AlertBookTestKit.Start, breaker.GetProperty("startsAt").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, breaker.GetProperty("endsAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, breaker.GetProperty("acknowledgedBy").ValueKind);
        Assert.Equal(0, breaker.GetProperty("silencedBy").GetArrayLength());
        Assert.Equal(0, breaker.GetProperty("inhibitedBy").GetArrayLength());
        var sent = Assert.Single(breaker.GetProperty("notifications").EnumerateArray());
        Assert.Equal("slack", sent.GetProperty("channel").GetString());
        Assert.Equal("firing", sent.GetProperty("kind").GetString());
        Assert.Equal(0, sent.GetProperty("level").GetInt32());

        // The notification is on the channel's durable queue, as the channel reads it.
        var queued = await gateway.FindAsync("slack", sent.GetProperty("id").GetString()!);
        Assert.Equal(breaker.GetProperty("id").GetString(), Assert.Single(queued!.Alerts).Id);

        Assert.Single((await GetAsync(gateway, "/admin/alerts?severity=error")).GetProperty("alerts").EnumerateArray());
        Assert.Single((await GetAsync(gateway, "/admin/alerts?rule=error-rate-high")).GetProperty("alerts").EnumerateArray());
        Assert.Empty((await GetAsync(gateway, "/admin/alerts?state=resolved")).GetProperty("alerts").EnumerateArray());

        string id = breaker.GetProperty("id").GetString()!;
        using (var ack = await gateway.Client.PostAsJsonAsync($"/admin/alerts/{id}/ack", new { by = "alice", note = "on it" }))
        {
            Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            var acked = JsonDocument.Parse(await ack.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("acknowledged", acked.GetProperty("state").GetString());
            Assert.Equal("alice", acked.GetProperty("acknowledgedBy").GetString());
            Assert.Equal("on it", acked.GetProperty("acknowledgeNote").GetString());
            Assert.Equal(AlertBookTestKit.Start, acked.GetProperty("acknowledgedAt").GetDateTimeOffset());
        }

        // Acknowledged: PagerDuty at 30 minutes is not paged.
        time.Advance(TimeSpan.FromMinutes(31));
        await gateway.EvaluateAsync();
        Assert.DoesNotContain(await gateway.QueuedAsync(), static q => q.Queue == AlertQueues.ForChannel("pager"));

        using (var resolve = await gateway.Client.PostAsync($"/admin/alerts/{id}/resolve", null))
        {
            Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
            var resolved = JsonDocument.Parse(await resolve.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("resolved", resolved.GetProperty("state").GetString());
            Assert.Equal("admin", resolved.GetProperty("resolvedBy").GetString());
            Assert.Equal(time.GetUtcNow(), resolved.GetProperty("endsAt").GetDateTimeOffset());
        }

        // Slack: the two alerts firing, then the breaker's resolved notice.
        Assert.Equal(3, (await gateway.QueuedAsync()).Count(static q => q.Queue == AlertQueues.ForChannel("slack")));
    }

    [Fact]
    public async Task BadInput_Is400ProblemJson_UnknownIds404_AndNoTokenIs401()
    {
        var time = new FakeTimeProvider(AlertBookTestKit.Start);
        var source = new SetSignals { Signals = [Signal("breaker-open", AlertSeverity.Critical)] };
        await using var gateway = await AlertGatewayKit.StartAsync(time, TestStore.NewPath(), source);
        await gateway.EvaluateAsync();
        string id = (await GetAsync(gateway, "/admin/alerts")).GetProperty("alerts")[0].GetProperty("id").GetString()!;

        async Task Expect(HttpStatusCode status, HttpResponseMessage response, string detailPart)
        {
            using (response)
            {
                Assert.Equal(status, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var problem = await Problem.ReadAsync(response);
                Assert.Contains(detailPart, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
        }

        static StringContent Json(string text) => new(text, System.Text.Encoding.UTF8, "application/json");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.GetAsync("/admin/alerts?state=burning"), "'state'");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.GetAsync("/admin/alerts?severity=2"), "'severity'");
        await Expect(HttpStatusCode.NotFound, await gateway.Client.PostAsync("/admin/alerts/nope/ack", null), "No alert has this id");
        await Expect(HttpStatusCode.NotFound, await gateway.Client.PostAsync("/admin/alerts/nope/resolve", null), "No alert has this id");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.PostAsync($"/admin/alerts/{id}/ack", Json("{")), "not valid JSON");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.PostAsync($"/admin/alerts/{id}/ack", Json("""{"by": 5}""")), "'by'");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.PostAsync("/admin/silences", Json("""{"matchers": ["provider=~(x"], "endsAt": "2026-03-03T00:00:00Z", "createdBy": "a"}""")), "not a valid regex");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.PostAsync("/admin/silences", Json("""{"matchers": [{"name": "provider", "operator": "==", "value": "x"}], "endsAt": "2026-03-03T00:00:00Z", "createdBy": "a"}""")), "operator '=='");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.PostAsync("/admin/silences", Json("""{"matchers": [], "endsAt": "2026-03-03T00:00:00Z", "createdBy": "a"}""")), "'matchers'");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.PostAsync("/admin/silences", Json("""{"matchers": ["provider=x"], "endsAt": "2026-03-01T00:00:00Z", "createdBy": "a"}""")), "in the past");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.PostAsync("/admin/silences", Json("""{"matchers": ["provider=x"], "endsAt": "tomorrow", "createdBy": "a"}""")), "ISO 8601");
        await Expect(HttpStatusCode.BadRequest, await gateway.Client.PostAsync("/admin/silences", Json("""{"matchers": ["provider=x"], "endsAt": "2026-03-03T00:00:00Z"}""")), "'createdBy'");
        await Expect(HttpStatusCode.NotFound, await gateway.Client.DeleteAsync("/admin/silences/nope"), "No silence has this id");

        using (var resolve = await gateway.Client.PostAsync($"/admin/alerts/{id}/resolve", null))
        {
            Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        }

        await Expect(HttpStatusCode.BadRequest, await gateway.Client.PostAsync($"/admin/alerts/{id}/ack", null), "resolved already");

        using var anonymous = new HttpClient { BaseAddress = gateway.BaseAddress };
        foreach (string path in new[] { "/admin/alerts", "/admin/silences" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var post = await anonymous.PostAsync($"/admin/alerts/{id}/ack", null);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
    }

    [Fact]
    public async Task Silences_CreateListExpire_KeepTheAlertShownButUnsent_ThenSendItWhenExpired()
    {
        var time = new FakeTimeProvider(AlertBookTestKit.Start);
        var source = new SetSignals { Signals = [Signal("breaker-open", AlertSeverity.Critical)] };
        await using var gateway = await AlertGatewayKit.StartAsync(time, TestStore.NewPath(), source);

        string silenceId;
        using (var created = await gateway.Client.PostAsJsonAsync("/admin/silences", new
        {
            matchers = new object[] { new { name = "provider", @operator = "=", value = "openai" }, "rule=~breaker-.*" },
            endsAt = AlertBookTestKit.Start.AddHours(2),
            createdBy = "alice",
            comment = "maintenance",
        }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var silence = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
            silenceId = silence.GetProperty("id").GetString()!;
            Assert.Equal("/admin/silences/" + silenceId, created.Headers.Location?.OriginalString);
            Assert.Equal("active", silence.GetProperty("state").GetString());
            Assert.Equal("=~", silence.GetProperty("matchers")[1].GetProperty("operator").GetString());
            Assert.Equal("breaker-.*", silence.GetProperty("matchers")[1].GetProperty("value").GetString());
            Assert.Equal("alice", silence.GetProperty("createdBy").GetString());
            Assert.Equal("maintenance", silence.GetProperty("comment").GetString());
        }

        await gateway.EvaluateAsync();
        var alert = (await GetAsync(gateway, "/admin/alerts")).GetProperty("alerts")[0];
        Assert.Equal("firing", alert.GetProperty("state").GetString());
        Assert.Equal([silenceId], alert.GetProperty("silencedBy").EnumerateArray().Select(static s => s.GetString()));
        Assert.Empty(await gateway.QueuedAsync());
        var health = await GetAsync(gateway, "/health");
        Assert.Equal(0, health.GetProperty("alerts").GetProperty("active_total").GetInt32());
        Assert.Single((await GetAsync(gateway, "/admin/silences")).GetProperty("silences").EnumerateArray());

        time.Advance(TimeSpan.FromMinutes(1));
        using (var expired = await gateway.Client.DeleteAsync("/admin/silences/" + silenceId))
        {
            Assert.Equal(HttpStatusCode.OK, expired.StatusCode);
            var silence = JsonDocument.Parse(await expired.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("expired", silence.GetProperty("state").GetString());
            Assert.Equal(time.GetUtcNow(), silence.GetProperty("endsAt").GetDateTimeOffset());
        }

        // Sent as soon as the silence ends, once.
        Assert.Equal(AlertQueues.ForChannel("slack"), Assert.Single(await gateway.QueuedAsync()).Queue);
        await gateway.EvaluateAsync();
        Assert.Single(await gateway.QueuedAsync());
        health = await GetAsync(gateway, "/health");
        Assert.Equal(1, health.GetProperty("alerts").GetProperty("active_total").GetInt32());
        Assert.Equal(1, health.GetProperty("alerts").GetProperty("active").GetProperty("critical").GetInt32());
        Assert.Equal(0, health.GetProperty("alerts").GetProperty("active").GetProperty("warning").GetInt32());
    }

    [Fact]
    public async Task EvaluationLoop_EveryEvaluationInterval_AsksEverySource_AndOneThatThrowsDoesNotStopTheOthers()
    {
        var time = new FakeTimeProvider(AlertBookTestKit.Start);
        var source = new SetSignals { Signals = [Signal("breaker-open", AlertSeverity.Critical)] };
        string config = AlertGatewayKit.Config(AlertGatewayKit.Alerts.Replace("\"00:00:15\"", "\"00:01:00\"", StringComparison.Ordinal));
        await using var gateway = await AlertGatewayKit.StartAsync(config, time, TestStore.NewPath(), new FailingSignals(), source);
        Assert.Equal(0, source.Calls);

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, source.Calls);
        time.Advance(TimeSpan.FromSeconds(1));
        await Poll.UntilAsync(() => gateway.Engine().Book.Alerts().Count == 1, "the first evaluation to fire the alert");
        Assert.Equal(1, source.Calls);

        time.Advance(TimeSpan.FromMinutes(1));
        await Poll.UntilAsync(() => source.Calls == 2, "the second evaluation");
    }
}
