using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>
/// Alerting end to end, with the gateway as a separate process: a provider dies, its breaker opens, the breaker-open alert
/// fires and its webhook notification waits in the durable queue (the receiver is down); the gateway is killed with
/// SIGKILL; the receiver comes up and the gateway starts again — the notification arrives once, and the alert, still
/// firing, is not announced again.
/// </summary>
public sealed class AlertCrashTests(ITestOutputHelper output)
{
    private const string AdminToken = "alert-crash-admin-token-0123456789";

    [Fact]
    public async Task KillNine_WithANotificationPending_AfterRestart_ItIsDeliveredOnce_AndTheStillFiringAlertIsNotSentAgain()
    {
        string store = TestStore.NewPath();
        using var deadProvider = ClosedPort.Open();
        var receiverPort = ClosedPort.Open();
        int port = receiverPort.Address.Port;
        string config = $$"""
            {
              "Bulwark": {
                "Admin": { "Token": "{{AdminToken}}" },
                "Pipelines": { "default": {
                  "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 3, "BreakDuration": "00:10:00", "MaxBreakDuration": "00:10:00" },
                  "Timeout": { "Attempt": "00:00:02", "Total": "00:00:05" }
                } },
                "Providers": { "p": { "BaseUrl": "{{deadProvider.Address.ToString().TrimEnd('/')}}" } },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ],
                "Deliveries": { "PollInterval": "00:00:00.050", "BaseDelay": "00:00:00.200", "MaxDelay": "00:00:00.500" },
                "Alerts": {
                  "EvaluationInterval": "00:00:01",
                  "Channels": { "hook": { "Type": "Webhook", "Url": "http://127.0.0.1:{{port}}/alerts", "Timeout": "00:00:02" } },
                  "Escalation": { "Policies": { "default": { "Levels": [ { "After": "00:00:00", "MinSeverity": "Info", "Channels": [ "hook" ] } ] } } }
                }
              }
            }
            """;

        await using (var first = await GatewayProcess.StartAsync(config, store))
        {
            using var client = new HttpClient { BaseAddress = first.Address };
            client.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
            for (int i = 0; i < 5; i++)
            {
                (await client.GetAsync("/api/x")).Dispose();
            }

            // The alert fires and its notification is stored and queued; the receiver refuses connections, so it waits.
            await Poll.UntilAsync(() => NotificationsSent(client, "breaker-open") >= 1, "the breaker-open alert to be notified (queued)", TimeSpan.FromSeconds(30));
            await first.KillAsync();
        }

        receiverPort.Dispose();
        var received = new ConcurrentQueue<(string Key, string Rule, string Kind)>();
        await using var receiver = await Upstream.StartAsync(port);
        receiver.Behaviour = async (context, _) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var root = body.RootElement;
            received.Enqueue((context.Request.Headers["Idempotency-Key"].ToString(), root.GetProperty("alerts")[0].GetProperty("rule").GetString()!, root.GetProperty("kind").GetString()!));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        };

        await using var second = await GatewayProcess.StartAsync(config, store);
        await Poll.UntilAsync(() => received.Any(r => r.Rule == "breaker-open"), "the pending notification to be delivered after the restart", TimeSpan.FromSeconds(30));

        // Several evaluations later (the breaker is still open, restored from the store), nothing more is sent.
        var settleUntil = DateTimeOffset.UtcNow.AddSeconds(4);
        await Poll.UntilAsync(() => DateTimeOffset.UtcNow >= settleUntil, "a few evaluations", TimeSpan.FromSeconds(10));
        output.WriteLine(string.Join(Environment.NewLine, received.Select(r => $"{r.Rule} {r.Kind} {r.Key}")));
        var breakerOpen = received.Where(r => r.Rule == "breaker-open").ToList();
        Assert.Single(breakerOpen);
        Assert.Equal("Firing", breakerOpen[0].Kind, ignoreCase: true);
        Assert.Equal(received.Count, received.Select(r => r.Key).Distinct().Count());

        using var admin = new HttpClient { BaseAddress = second.Address };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        using var alerts = JsonDocument.Parse(await admin.GetStringAsync("/admin/alerts?rule=breaker-open"));
        var alert = Assert.Single(alerts.RootElement.GetProperty("alerts").EnumerateArray());
        Assert.Equal("firing", alert.GetProperty("state").GetString());
    }

    private static int NotificationsSent(HttpClient client, string rule)
    {
        using var response = client.GetAsync($"/admin/alerts?rule={rule}").GetAwaiter().GetResult();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return 0;
        }

        using var json = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        return json.RootElement.GetProperty("alerts").EnumerateArray()
            .Sum(a => a.TryGetProperty("notifications", out var sent) && sent.ValueKind == JsonValueKind.Array ? sent.GetArrayLength() : 0);
    }
}
