using Bulwark.Gateway.Dashboard;
using Bulwark.Gateway.Reload;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Routing;

/// <summary>
/// One watcher follows the breakers of the configuration in force for both of its listeners, the transition log lines and
/// the operator page's recent transitions: a real gateway, a real configuration file and its reload.
/// </summary>
public class BreakerTransitionWatcherTests
{
    /// <summary>As <see cref="Configs.FastPipeline"/>, but one retry fewer: a reload that rebuilds every provider's pipeline, breaker included.</summary>
    private const string ChangedPipeline = """
        {
          "Retry": { "MaxRetries": 1, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:00.050" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" },
          "Bulkhead": { "MaxConcurrency": 50, "QueueLimit": 50 }
        }
        """;

    /// <summary>A 200 ms content check, so the change is found even where file events are not raised.</summary>
    private const string Reload = """ "Reload": { "Enabled": true, "PollInterval": "00:00:00.200" }, """;

    [Fact]
    public async Task Reload_ReplacingABreaker_FeedsTheNewOnesTransitionsToBothListeners_NoLongerTheOldOnes_AndDisposeStopsBoth()
    {
        await using var primary = await Upstream.StartAsync();
        await using var secondary = await Upstream.StartAsync();
        using var file = ConfigFile.Create(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: Reload));
        await using var gateway = await GatewayUnderTest.StartFromFileAsync(file.Path);
        var live = gateway.Services.GetRequiredService<LiveGatewayConfiguration>();
        var logs = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Information));

        using var watcher = new BreakerTransitionWatcher(live);
        using var logger = new BreakerTransitionLogger(watcher, loggers.CreateLogger<BreakerTransitionLogger>());
        using var recent = new BreakerTransitionLog(watcher);
        await logger.StartAsync(CancellationToken.None);
        var seen = new List<string>();
        watcher.Transitioned += (_, change) => seen.Add($"{change.Provider} {change.Transition.From}->{change.Transition.To}");
        var old = live.Table.Providers["primary"].Pipeline.CircuitBreaker!;

        await old.IsolateAsync();
        await old.ResetAsync();
        Assert.Equal(["primary Closed->Isolated", "primary Isolated->Closed"], seen);

        file.Replace(Configs.TwoProviders(primary.BaseAddress, secondary.BaseAddress, ChangedPipeline, bulwarkExtra: Reload));
        await UntilGenerationAsync(gateway, 2);
        var replacement = live.Table.Providers["primary"].Pipeline.CircuitBreaker!;
        Assert.NotSame(old, replacement);

        await old.IsolateAsync(); // No longer in force: not followed.
        await replacement.IsolateAsync();

        string[] expected = ["primary Closed->Isolated ManualIsolation", "primary Isolated->Closed ManualReset", "primary Closed->Isolated ManualIsolation"];
        Assert.Equal(["primary Closed->Isolated", "primary Isolated->Closed", "primary Closed->Isolated"], seen);
        Assert.Equal(
            [
                "Circuit breaker of provider primary: Closed -> Isolated (ManualIsolation); failure rate 0, break 00:00:00",
                "Circuit breaker of provider primary: Isolated -> Closed (ManualReset); failure rate 0",
                "Circuit breaker of provider primary: Closed -> Isolated (ManualIsolation); failure rate 0, break 00:00:00",
            ],
            logs.Records.Where(r => r.EventId is 2040 or 2041).Select(r => r.Message));
        Assert.Equal(expected, recent.Recent().Reverse().Select(r => $"{r.Provider} {r.Transition.From}->{r.Transition.To} {r.Transition.Reason}"));

        watcher.Dispose();
        await replacement.ResetAsync();
        await old.ResetAsync();

        Assert.Equal(3, seen.Count);
        Assert.Equal(3, logs.Records.Count(r => r.EventId is 2040 or 2041));
        Assert.Equal(expected, recent.Recent().Reverse().Select(r => $"{r.Provider} {r.Transition.From}->{r.Transition.To} {r.Transition.Reason}"));
    }

    private static Task UntilGenerationAsync(GatewayUnderTest gateway, int generation)
    {
        var live = gateway.Services.GetRequiredService<LiveGatewayConfiguration>();
        var status = gateway.Services.GetRequiredService<ConfigurationReloadStatus>();
        return Poll.UntilAsync(
            () => live.Generation >= generation && status.Last is { Outcome: ConfigurationReloadOutcome.Applied } last && last.Generation >= generation,
            $"configuration generation {generation} to be applied (last reload: {status.Last?.Outcome} {string.Join("; ", status.Last?.Errors ?? [])})");
    }
}
