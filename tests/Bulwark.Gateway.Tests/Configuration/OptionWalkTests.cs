using System.Collections;
using System.Reflection;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary>
/// Walks every settable leaf of the gateway's options (dictionaries and lists with one sample entry) and proves no key is
/// accepted and then ignored: each probe value either is refused by validation or reaches the options the gateway runs
/// with; and each leaf has a reviewed entry naming the tests that observe its effect at run time, so a new option fails
/// this test until someone says how it is observed.
/// </summary>
public class OptionWalkTests
{
    /// <summary>Leaves by pattern (<c>{name}</c> a dictionary key, <c>[]</c> a list index), with the test class that observes their effect.</summary>
    private static readonly Dictionary<string, string> Observed = new(StringComparer.Ordinal)
    {
        ["Bulwark:Pipelines:{name}:Retry:Name"] = "Polly strategy name (the resilience.polly.* telemetry tag); no gateway test observes it yet",
        ["Bulwark:Pipelines:{name}:Retry:MaxRetries"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:Backoff"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:Jitter"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:BaseDelay"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:MaxDelay"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:ExponentialFactor"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:HonorRetryAfter"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:MaxRetryAfter"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:Budget:Ratio"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:Budget:MinRetriesPerSecond"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:Retry:Budget:Window"] = "BulwarkPipelineFactory (retry strategy): Forwarding/RetryTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:Name"] = "Polly strategy name (the resilience.polly.* telemetry tag); no gateway test observes it yet",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:Mode"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:FailureThreshold"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:FailureRatio"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:MinimumThroughput"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:SamplingDuration"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:BreakDuration"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:BreakDurationGrowthFactor"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:MaxBreakDuration"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:HalfOpenMaxCalls"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:SuccessThreshold"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:SlowCallDuration"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:Z"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:MinThreshold"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:MaxThreshold"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:ThresholdMultiplier"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:InitialBaseline"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:CircuitBreaker:BaselineHorizon"] = "BulwarkPipelineFactory (breaker): Forwarding/FailoverTests",
        ["Bulwark:Pipelines:{name}:Timeout:Attempt"] = "BulwarkPipelineFactory (timeouts): Forwarding/TimeoutTests",
        ["Bulwark:Pipelines:{name}:Timeout:Total"] = "BulwarkPipelineFactory (timeouts): Forwarding/TimeoutTests",
        ["Bulwark:Pipelines:{name}:Bulkhead:Name"] = "Polly strategy name (the resilience.polly.* telemetry tag); no gateway test observes it yet",
        ["Bulwark:Pipelines:{name}:Bulkhead:MaxConcurrency"] = "BulwarkPipelineFactory (bulkhead): Forwarding/HardeningTests",
        ["Bulwark:Pipelines:{name}:Bulkhead:QueueLimit"] = "BulwarkPipelineFactory (bulkhead): Forwarding/HardeningTests",
        ["Bulwark:Pipelines:{name}:Bulkhead:MaxWait"] = "BulwarkPipelineFactory (bulkhead): Forwarding/HardeningTests",
        ["Bulwark:Pipelines:{name}:Fallback:StatusCode"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Pipelines:{name}:Fallback:ContentType"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Pipelines:{name}:Fallback:Body"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Pipelines:{name}:TransientStatusCodes:[]"] = "BulwarkPipelineFactory (classifier): Forwarding/RetryTests",
        ["Bulwark:Providers:{name}:BaseUrl"] = "Forwarding/GatewayRouteTable: Forwarding/FailoverTests",
        ["Bulwark:Providers:{name}:Pipeline"] = "Forwarding/GatewayRouteTable: Forwarding/FailoverTests",
        ["Bulwark:Providers:{name}:Headers:{name}:FromEnvironment"] = "Forwarding/GatewayRouteTable headers: Forwarding/HeadersTests",
        ["Bulwark:Providers:{name}:Headers:{name}:Value"] = "Forwarding/GatewayRouteTable headers: Forwarding/HeadersTests",
        ["Bulwark:Providers:{name}:Headers:{name}:Format"] = "Forwarding/GatewayRouteTable headers: Forwarding/HeadersTests",
        ["Bulwark:Routes:[]:Path"] = "Reload/GatewayRouteEndpointDataSource: Forwarding/FailoverTests",
        ["Bulwark:Routes:[]:Providers:[]"] = "Forwarding/GatewayRouteTable: Forwarding/FailoverTests",
        ["Bulwark:Routes:[]:Idempotent"] = "Forwarding/ForwardingHandler: Forwarding/IdempotencyTests",
        ["Bulwark:Routes:[]:Methods:[]"] = "Reload/GatewayRouteEndpointDataSource: Forwarding/FailoverTests",
        ["Bulwark:Routes:[]:Timeout"] = "Forwarding/ForwardingHandler deadline: Forwarding/TimeoutTests",
        ["Bulwark:Routes:[]:MaxAttempts"] = "Forwarding/GatewayRoute: Forwarding/AttemptAllowanceTests",
        ["Bulwark:Routes:[]:RateLimit:RequestsPerMinutePerClient"] = "Limits/ClientRateLimiterPolicy: Limits/ClientRateLimitTests",
        ["Bulwark:Routes:[]:RateLimit:ConcurrencyPerClient"] = "Limits/ClientRateLimiterPolicy: Limits/ClientRateLimitTests",
        ["Bulwark:Routes:[]:OnFailure"] = "Deferral/GatewayDeferral: Deferral/DeferralTests",
        ["Bulwark:Routes:[]:Defer:MaxAttempts"] = "Deferral/GatewayDeferral: Deferral/DeferralTests",
        ["Bulwark:Routes:[]:Defer:TimeToLive"] = "Deferral/GatewayDeferral: Deferral/DeferralTests",
        ["Bulwark:Routes:[]:Defer:MaxBodyBytes"] = "Deferral/GatewayDeferral: Deferral/DeferralTests",
        ["Bulwark:Routes:[]:Defer:ReplayHeaders:[]"] = "Deferral/GatewayDeferral: Deferral/DeferralTests",
        ["Bulwark:Routes:[]:Defer:OrderingHeader"] = "Deferral/GatewayDeferral: Deferral/DeferralTests",
        ["Bulwark:Routes:[]:Fallback:Mode"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Routes:[]:Fallback:StatusCode"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Routes:[]:Fallback:ContentType"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Routes:[]:Fallback:Body"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Routes:[]:Fallback:Headers:{name}"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Routes:[]:Fallback:MaxAge"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Routes:[]:Fallback:MaxEntries"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:Routes:[]:Fallback:MaxBodyBytes"] = "Fallback/RouteFallback: Fallback/FallbackTests",
        ["Bulwark:MaxBufferedBodyBytes"] = "Forwarding/ForwardingHandler: Forwarding/BodyBufferingTests",
        ["Bulwark:Limits:MaxRequestBodyBytes"] = "Hosting/GatewayHost (Kestrel) and Limits/: Limits/RequestSizeLimitTests, Limits/ClientRateLimitTests",
        ["Bulwark:Limits:MaxRequestHeadersTotalSize"] = "Hosting/GatewayHost (Kestrel) and Limits/: Limits/RequestSizeLimitTests, Limits/ClientRateLimitTests",
        ["Bulwark:Limits:MaxRequestHeaderCount"] = "Hosting/GatewayHost (Kestrel) and Limits/: Limits/RequestSizeLimitTests, Limits/ClientRateLimitTests",
        ["Bulwark:Limits:ConcurrencyPerClient"] = "Hosting/GatewayHost (Kestrel) and Limits/: Limits/RequestSizeLimitTests, Limits/ClientRateLimitTests",
        ["Bulwark:Limits:RequestsPerMinutePerClient"] = "Hosting/GatewayHost (Kestrel) and Limits/: Limits/RequestSizeLimitTests, Limits/ClientRateLimitTests",
        ["Bulwark:Logging:SlowRequestThreshold"] = "Bulwark.AspNetCore request log middleware: Observability/GatewayObservabilityTests",
        ["Bulwark:Logging:LogQueryString"] = "Bulwark.AspNetCore request log middleware: Observability/GatewayObservabilityTests",
        ["Bulwark:Logging:TenantIdHeader"] = "Bulwark.AspNetCore request log middleware: Observability/GatewayObservabilityTests",
        ["Bulwark:Logging:UserIdHeader"] = "Bulwark.AspNetCore request log middleware: Observability/GatewayObservabilityTests",
        ["Bulwark:Logging:TrustedProxies:[]"] = "Bulwark.AspNetCore request log middleware: Observability/GatewayObservabilityTests",
        ["Bulwark:Logging:LogAttempts"] = "Bulwark.AspNetCore request log middleware: Observability/GatewayObservabilityTests",
        ["Bulwark:Logging:CountBodyBytes"] = "Bulwark.AspNetCore request log middleware: Observability/GatewayObservabilityTests",
        ["Bulwark:Telemetry:OtlpEndpoint"] = "Bulwark.AspNetCore AddBulwarkTelemetry (OpenTelemetry exporters): Observability/GatewayObservabilityTests",
        ["Bulwark:Telemetry:OtlpProtocol"] = "Bulwark.AspNetCore AddBulwarkTelemetry (OpenTelemetry exporters): Observability/GatewayObservabilityTests",
        ["Bulwark:Telemetry:ServiceName"] = "Bulwark.AspNetCore AddBulwarkTelemetry (OpenTelemetry exporters): Observability/GatewayObservabilityTests",
        ["Bulwark:Admin:Token"] = "Bulwark.AspNetCore admin API: Deferral/DeliveryAdminTests",
        ["Bulwark:Admin:TokenFile"] = "Bulwark.AspNetCore admin API: Deferral/DeliveryAdminTests",
        ["Bulwark:Shutdown:DrainDelay"] = "Hosting/GracefulShutdown: Hosting/GracefulShutdownTests",
        ["Bulwark:Shutdown:DrainTimeout"] = "Hosting/GracefulShutdown: Hosting/GracefulShutdownTests",
        ["Bulwark:Reload:Enabled"] = "Reload/GatewayConfigurationReloader: Reload/ConfigurationReloadTests",
        ["Bulwark:Reload:PollInterval"] = "Reload/GatewayConfigurationReloader: Reload/ConfigurationReloadTests",
        ["Bulwark:Storage:Provider"] = "Storage/GatewayStore: Storage/",
        ["Bulwark:Storage:Path"] = "Storage/GatewayStore: Storage/",
        ["Bulwark:Storage:BusyTimeout"] = "Storage/GatewayStore: Storage/",
        ["Bulwark:Storage:FlushEveryCommit"] = "Storage/GatewayStore: Storage/",
        ["Bulwark:Storage:MaxSizeBytes"] = "Storage/GatewayStore: Storage/",
        ["Bulwark:Storage:IntegrityCheckInterval"] = "Storage/GatewayStore: Storage/",
        ["Bulwark:Storage:OnStoreFailure"] = "Storage/GatewayStore: Storage/",
        ["Bulwark:Deliveries:MaxAttempts"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:TimeToLive"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:BaseDelay"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:MaxDelay"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:AttemptTimeout"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:LeaseDuration"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:PollInterval"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:SweepInterval"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:MaxConcurrentDeliveries"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:MaxKeptResponseBytes"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:RetainDeliveredFor"] = "Deliveries dispatcher: Deferral/DeferralTests",
        ["Bulwark:Deliveries:DispatcherEnabled"] = "Deliveries dispatcher: Deferral/DeferralTests",
    };

    [Fact]
    public void EveryOption_HasAReviewedObservation_AndNoEntryIsStale()
    {
        var leaves = Leaves(typeof(GatewayOptions), "Bulwark").Select(static l => l.Pattern).ToList();

        var unreviewed = leaves.Where(l => !Observed.ContainsKey(l)).ToList();
        var stale = Observed.Keys.Where(k => !leaves.Contains(k)).ToList();

        Assert.True(unreviewed.Count == 0, "New options with no reviewed observation (say which component reads each and which test proves it, or refuse it in validation): " + string.Join(", ", unreviewed));
        Assert.True(stale.Count == 0, "Table entries for options that no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public void EveryObservation_NamesATestThatExists()
    {
        var tests = typeof(OptionWalkTests).Assembly.GetTypes()
            .Where(static t => t.Namespace?.StartsWith("Bulwark.Gateway.Tests.", StringComparison.Ordinal) == true)
            .Select(static t => t.Namespace!["Bulwark.Gateway.Tests.".Length..] + "/" + t.Name)
            .ToHashSet(StringComparer.Ordinal);

        foreach (var (option, observation) in Observed)
        {
            int colon = observation.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            foreach (var named in observation[(colon + 2)..].Split(", "))
            {
                Assert.True(named.EndsWith('/') ? tests.Any(t => t.StartsWith(named, StringComparison.Ordinal)) : tests.Contains(named), $"{option}: no test {named}");
            }
        }
    }

    internal static IEnumerable<(string Pattern, Type Type)> Leaves(Type type, string path)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken))
        {
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            string child = $"{path}:{property.Name}";
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            if (DictionaryValue(propertyType) is { } value)
            {
                foreach (var leaf in Item(value, child + ":{name}"))
                {
                    yield return leaf;
                }
            }
            else if (Element(propertyType) is { } element)
            {
                foreach (var leaf in Item(element, child + ":[]"))
                {
                    yield return leaf;
                }
            }
            else if (property.SetMethod is { IsPublic: true })
            {
                foreach (var leaf in Item(propertyType, child))
                {
                    yield return leaf;
                }
            }
        }
    }

    private static IEnumerable<(string Pattern, Type Type)> Item(Type type, string path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return IsScalar(type) ? [(path, type)] : Leaves(type, path);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(Uri);

    private static Type? DictionaryValue(Type type) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IDictionary<,>) ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDictionary<,>)))
            ?.GetGenericArguments()[1];

    private static Type? Element(Type type) =>
        type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) ? null
        : type.IsArray ? type.GetElementType()
        : (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)))?.GetGenericArguments()[0];
}
