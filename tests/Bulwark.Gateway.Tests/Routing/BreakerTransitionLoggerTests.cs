using System.Net;
using Bulwark.AspNetCore.Providers;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Routing;

public class BreakerTransitionLoggerTests
{
    private const string Pipeline = """
        {
          "Retry": { "MaxRetries": 0 },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 1, "BreakDuration": "00:00:30", "BreakDurationGrowthFactor": 1, "HalfOpenMaxCalls": 1, "SuccessThreshold": 1 },
          "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" }
        }
        """;

    [Fact]
    public async Task EveryTransition_IsLoggedWithProviderFromToAndReason_AtInformationOrWarning()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        primary.Behaviour = Upstream.Status(503);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new RecordingLoggerProvider();
        // The gateway's default console level (Information): what an operator sees without changing anything.
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, Pipeline), timeProvider: time, logs: logs, minimumLogLevel: LogLevel.Information);
        var breaker = gateway.Services.GetRequiredService<IBulwarkProviderCatalog>().Providers.Single(p => p.Name == "primary").CircuitBreaker!;

        await GetAsync(gateway); // Closed -> Open: the failure opens it (threshold 1).
        time.Advance(TimeSpan.FromSeconds(31));
        await GetAsync(gateway); // Open -> HalfOpen, the probe fails: HalfOpen -> Open.
        primary.Behaviour = Upstream.Ok;
        time.Advance(TimeSpan.FromSeconds(31));
        await GetAsync(gateway); // Open -> HalfOpen, the probe succeeds: HalfOpen -> Closed.
        await breaker.IsolateAsync(); // Closed -> Isolated.
        await breaker.ResetAsync(); // Isolated -> Closed.

        var lines = logs.Records.Where(r => r.EventId is 2040 or 2041).Select(r => (r.Level, r.Message)).ToList();
        Assert.Equal(
            [
                (LogLevel.Warning, "Circuit breaker of provider primary: Closed -> Open (ConsecutiveFailures); failure rate 1, break 00:00:30"),
                (LogLevel.Information, "Circuit breaker of provider primary: Open -> HalfOpen (BreakDurationElapsed); failure rate 0"),
                (LogLevel.Warning, "Circuit breaker of provider primary: HalfOpen -> Open (ProbeFailed); failure rate 0, break 00:00:30"),
                (LogLevel.Information, "Circuit breaker of provider primary: Open -> HalfOpen (BreakDurationElapsed); failure rate 0"),
                (LogLevel.Information, "Circuit breaker of provider primary: HalfOpen -> Closed (ProbesSucceeded); failure rate 0"),
                (LogLevel.Warning, "Circuit breaker of provider primary: Closed -> Isolated (ManualIsolation); failure rate 0, break 00:00:00"),
                (LogLevel.Information, "Circuit breaker of provider primary: Isolated -> Closed (ManualReset); failure rate 0"),
            ],
            lines);
        Assert.All(logs.Records.Where(r => r.EventId is 2040 or 2041), r => Assert.Equal("Bulwark.Gateway.Routing.BreakerTransitionLogger", r.Category));

        // Said once: Polly's own line for each transition (its opening at Error) stays out of the default log.
        Assert.DoesNotContain(logs.Records, r => r.Category == "Polly" && r.Message.Contains("OnCircuit", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ABreakerBuiltByAReload_IsAlsoLoggedOnce_ByTheTransitionLogAlone()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        const string reload = """ "Reload": { "Enabled": true, "PollInterval": "00:00:00.200" }, """;
        using var file = ConfigFile.Create(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: reload));
        var logs = new RecordingLoggerProvider();
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path, logs);
        var live = gateway.Services.GetRequiredService<LiveGatewayConfiguration>();
        var before = live.Table.Providers["primary"].Pipeline.CircuitBreaker;

        // The reload rebuilds every pipeline (a breaker of threshold 1 now), through the reloader's own Polly telemetry.
        file.Replace(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, Pipeline, bulwarkExtra: reload));
        await Poll.UntilAsync(() => live.Table.Providers["primary"].Pipeline.CircuitBreaker is { } now && !ReferenceEquals(now, before), "the reload to replace the primary's breaker");
        primary.Behaviour = Upstream.Status(503);
        await GetAsync(gateway); // Fails over to the secondary; the primary's new breaker opens.

        await Poll.UntilAsync(() => logs.Records.Any(r => r.EventId == 2040), "the transition log line of the opening");
        Assert.Equal(
            ["Circuit breaker of provider primary: Closed -> Open (ConsecutiveFailures); failure rate 1, break 00:00:30"],
            logs.Records.Where(r => r.EventId is 2040 or 2041).Select(r => r.Message));
        Assert.DoesNotContain(logs.Records, r => r.Category == "Polly" && r.Message.Contains("OnCircuit", StringComparison.Ordinal));
    }

    private static async Task GetAsync(GatewayUnderTest gateway)
    {
        using var response = await gateway.Client.GetAsync("/api/orders");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
