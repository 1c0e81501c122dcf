using Bulwark.Deliveries;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Storage;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>A signal source a test sets, as the gateway asks it at each evaluation.</summary>
internal sealed class SetSignals : IAlertSignalSource
{
    private int _calls;

    public IReadOnlyList<AlertSignal> Signals { get; set; } = [];

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return ValueTask.FromResult(Signals);
    }
}

/// <summary>A source that always fails.</summary>
internal sealed class FailingSignals : IAlertSignalSource
{
    public ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the source's own failure");
}

/// <summary>Gateways with alerting on a real store file and fake time, and what they put on the alert queues.</summary>
internal static class AlertGatewayKit
{
    public const string AdminToken = "alerts-admin-token-0123456789abcdef";

    /// <summary>Slack at once for warnings and worse, PagerDuty at 30 minutes for critical ones.</summary>
    public const string Alerts = """
        "Alerts": {
          "EvaluationInterval": "00:00:15",
          "Channels": { "slack": { "Type": "Slack", "Url": "http://127.0.0.1:9/slack" }, "pager": { "Type": "PagerDuty", "Url": "http://127.0.0.1:9/pager", "RoutingKey": "test-routing-key" } },
          "Escalation": { "Policies": { "default": { "Levels": [
            { "After": "00:00:00", "MinSeverity": "Warning", "Channels": [ "slack" ] },
            { "After": "00:30:00", "MinSeverity": "Critical", "Channels": [ "pager" ] }
          ] } } }
        },
        """;

    public static string Config(string alerts = Alerts) =>
        Configs.TwoProviders(new Uri("http://127.0.0.1:9"), new Uri("http://127.0.0.1:9"), bulwarkExtra: $$"""
            "Admin": { "Token": "{{AdminToken}}" },
            {{alerts}}
            """);

    public static async Task<GatewayUnderTest> StartAsync(FakeTimeProvider time, string storePath, params IAlertSignalSource[] sources) =>
        await StartAsync(Config(), time, storePath, sources);

    public static async Task<GatewayUnderTest> StartAsync(string config, FakeTimeProvider time, string storePath, params IAlertSignalSource[] sources)
    {
        var gateway = await GatewayUnderTest.StartAsync(GatewayUnderTest.Settings(config, timeProvider: time) with
        {
            StorePath = storePath,
            Services = services =>
            {
                foreach (var source in sources)
                {
                    services.AddSingleton(source);
                }
            },
        });
        gateway.Client.DefaultRequestHeaders.Authorization = new("Bearer", AdminToken);
        return gateway;
    }

    public static AlertEngine Engine(this GatewayUnderTest gateway) => gateway.Services.GetRequiredService<AlertEngine>();

    public static Task EvaluateAsync(this GatewayUnderTest gateway) => gateway.Engine().EvaluateAsync(CancellationToken.None);

    /// <summary>Every entry on an alert queue, as (queue, idempotency key).</summary>
    public static async Task<List<(string Queue, string Key)>> QueuedAsync(this GatewayUnderTest gateway)
    {
        var entries = await gateway.Services.GetRequiredService<GatewayStore>().ListAsync(null, 1000, CancellationToken.None);
        return [.. entries.Where(static e => e.Queue.StartsWith(AlertQueues.Prefix, StringComparison.Ordinal)).Select(static e => (e.Queue, e.IdempotencyKey)).OrderBy(static e => e.Queue, StringComparer.Ordinal).ThenBy(static e => e.IdempotencyKey, StringComparer.Ordinal)];
    }

    public static async Task<AlertNotification?> FindAsync(this GatewayUnderTest gateway, string channel, string id)
    {
        var entry = await gateway.Services.GetRequiredService<IDeferredDeliveryQueue>().FindAsync(AlertQueues.ForChannel(channel), id);
        return entry is null ? null : AlertJson.ReadNotification(entry.Envelope.Body.Span);
    }
}
