using System.Net;
using Bulwark.Configuration;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Bulwark.Pipelines;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary>
/// The strategy settings of a pipeline (<c>Bulwark:Pipelines:{name}:Retry|CircuitBreaker|Timeout|Bulkhead</c> and its
/// transient status codes) reach the engine: each changes the options every provider's pipeline instance is built from,
/// and a reload builds a new instance with them. What each setting then does is the engine's to prove
/// (tests/Bulwark.Tests: Retry/, CircuitBreaker/, Bulkhead/, Classification/, Pipelines/).
/// </summary>
public class PipelineOptionTests
{
    private const string Prefix = "Bulwark:Pipelines:{name}:";

    public static TheoryData<string> StrategySettings() =>
    [
        .. OptionWalkTests.Leaves(typeof(GatewayOptions), "Bulwark")
            .Select(static l => l.Pattern)
            .Where(static p => p.StartsWith(Prefix, StringComparison.Ordinal) && !p.StartsWith(Prefix + "Fallback:", StringComparison.Ordinal)),
    ];

    [Theory]
    [MemberData(nameof(StrategySettings))]
    public void PipelineSetting_ChangesTheOptionsEveryProvidersInstanceIsBuiltFrom_AndAReloadRebuildsIt(string pattern)
    {
        var type = OptionWalkTests.Leaves(typeof(GatewayOptions), "Bulwark").Single(l => l.Pattern == pattern).Type;
        string path = OptionWalkTests.Concrete(pattern);
        string within = "Pipeline:" + pattern[Prefix.Length..].Replace("[]", "0", StringComparison.Ordinal);
        var baseline = GatewayConfiguration.Load(OptionWalkTests.Settings(OptionWalkTests.ProbeBaseline));
        var before = Table(baseline, []);
        object? old = OptionWalkTests.Read(baseline.Options, path);
        object value = OptionWalkTests.Different(type, old);

        var changed = OptionWalkTests.ProbeLoad(path, value);
        Assert.True(changed.Errors is null, $"{path} = {value} was refused: {string.Join(" / ", changed.Errors ?? [])}");
        var built = new Dictionary<string, BulwarkPipelineOptions>(StringComparer.OrdinalIgnoreCase);
        var after = Table(changed.Loaded!, built, before);

        Assert.Equal(["primary", "secondary"], after.ReplacedPipelines.Select(static r => r.Provider).Order(StringComparer.Ordinal));
        Assert.Empty(after.KeptPipelines);
        foreach (var options in built.Values)
        {
            Assert.NotEqual(old, OptionWalkTests.Read(options, within));
            Assert.Equal(Convert.ChangeType(value, type, System.Globalization.CultureInfo.InvariantCulture), OptionWalkTests.Read(options, within));
        }
    }

    [Fact]
    public void ProviderPipeline_NamesTheOptionsItsInstanceIsBuiltFrom()
    {
        string json = OptionWalkTests.ProbeBaseline
            .Replace("\"Pipelines\": {", "\"Pipelines\": { \"patient\": { \"Retry\": { \"MaxRetries\": 5 }, \"Bulkhead\": { \"MaxConcurrency\": 3 } },", StringComparison.Ordinal)
            .Replace("\"primary\":   { \"BaseUrl\": \"http://127.0.0.1:9\",", "\"primary\": { \"BaseUrl\": \"http://127.0.0.1:9\", \"Pipeline\": \"patient\",", StringComparison.Ordinal);

        var table = Table(GatewayConfiguration.Load(OptionWalkTests.Settings(json)), []);

        Assert.Equal("patient", table.Providers["primary"].Pipeline.Name);
        Assert.Equal(6, table.Providers["primary"].Pipeline.MaxAttempts);
        Assert.Equal(3, table.Providers["primary"].Pipeline.Bulkhead!.MaxConcurrency);
        Assert.Equal("default", table.Providers["secondary"].Pipeline.Name);
        Assert.Equal(3, table.Providers["secondary"].Pipeline.MaxAttempts);
    }

    /// <summary>
    /// The strategies' names are Polly's <c>strategy.name</c> tag on the <c>resilience.polly.strategy.events</c> the gateway
    /// exports at <c>/metrics</c>: a retry, a bulkhead rejection and a breaker opening each carry the configured name.
    /// </summary>
    [Fact]
    public async Task StrategyNames_TagTheResilienceEventsTheGatewayExports()
    {
        await using var upstream = await Upstream.StartAsync();
        const string pipeline = """
            {
              "Retry": { "Name": "edge-retry", "MaxRetries": 1, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" },
              "CircuitBreaker": { "Name": "edge-breaker", "Mode": "ConsecutiveFailures", "FailureThreshold": 2, "BreakDuration": "00:00:30" },
              "Timeout": { "Attempt": "00:00:10", "Total": "00:00:20" },
              "Bulkhead": { "Name": "edge-bulkhead", "MaxConcurrency": 1, "QueueLimit": 0 }
            }
            """;
        await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(upstream.BaseAddress, upstream.BaseAddress, pipeline));

        // The first request holds the primary's only slot, so the second is rejected by its bulkhead and fails over.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        upstream.Behaviour = async (context, n) =>
        {
            if (n == 1)
            {
                await release.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }

            await Upstream.Ok(context, n);
        };
        var held = gateway.Client.GetAsync("/api/held");
        await Poll.UntilAsync(() => upstream.Requests >= 1, "the first request to reach the provider");
        using (var overflow = await gateway.Client.GetAsync("/api/overflow"))
        {
            Assert.Equal(HttpStatusCode.OK, overflow.StatusCode);
        }

        release.SetResult();
        using (var first = await held)
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // A 503, retried once: the retry reports, and the second failure opens the breaker.
        upstream.Behaviour = Upstream.Status(503);
        using (var failing = await gateway.Client.GetAsync("/api/failing"))
        {
            Assert.Equal(HttpStatusCode.BadGateway, failing.StatusCode);
        }

        string metrics = await gateway.Client.GetStringAsync("/metrics");
        Assert.Contains("strategy_name=\"edge-breaker\"", metrics, StringComparison.Ordinal);
        Assert.Contains("strategy_name=\"edge-retry\"", metrics, StringComparison.Ordinal);
        Assert.Contains("strategy_name=\"edge-bulkhead\"", metrics, StringComparison.Ordinal);
    }

    /// <summary>Builds the route table as a reload does, recording the options each provider's instance is built from.</summary>
    private static GatewayRouteTable Table(LoadedGatewayConfiguration loaded, Dictionary<string, BulwarkPipelineOptions> built, GatewayRouteTable? previous = null) =>
        new(
            loaded.Options,
            loaded.Configuration,
            (name, options, instance) =>
            {
                built[instance] = options;
                return BulwarkPipelineFactory.Create(name, instance, options, TimeProvider.System);
            },
            TimeProvider.System,
            new GatewayEnvironment(static _ => null),
            previous);
}
