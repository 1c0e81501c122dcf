using System.Globalization;
using Bulwark.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bulwark.Tests.Http;

/// <summary>The <c>Bulwark:Pipelines:default</c> configuration of a test: retry without backoff, optional breaker, attempt timeout and fallback.</summary>
internal sealed class HttpPipelineSettings
{
    public const string PipelineName = "default";

    public int MaxRetries { get; init; } = 2;

    public int? BreakerFailureThreshold { get; init; }

    public TimeSpan? AttemptTimeout { get; init; }

    public BulwarkFallbackOptions? Fallback { get; init; }

    public IConfigurationSection ToConfiguration()
    {
        const string Prefix = "Bulwark:Pipelines:" + PipelineName + ":";
        var values = new Dictionary<string, string?>
        {
            // No backoff: any wait a test sees comes from Retry-After.
            [Prefix + "Retry:MaxRetries"] = MaxRetries.ToString(CultureInfo.InvariantCulture),
            [Prefix + "Retry:BaseDelay"] = "00:00:00",
            [Prefix + "Retry:MaxDelay"] = "00:00:00",
            [Prefix + "Retry:Jitter"] = "None",
        };

        if (BreakerFailureThreshold is { } threshold)
        {
            values[Prefix + "CircuitBreaker:Mode"] = "ConsecutiveFailures";
            values[Prefix + "CircuitBreaker:FailureThreshold"] = threshold.ToString(CultureInfo.InvariantCulture);
            values[Prefix + "CircuitBreaker:BreakDuration"] = "00:01:00";
        }

        if (AttemptTimeout is { } attempt)
        {
            values[Prefix + "Timeout:Attempt"] = attempt.ToString("c", CultureInfo.InvariantCulture);
        }

        if (Fallback is { } fallback)
        {
            values[Prefix + "Fallback:StatusCode"] = fallback.StatusCode.ToString(CultureInfo.InvariantCulture);
            values[Prefix + "Fallback:ContentType"] = fallback.ContentType;
            values[Prefix + "Fallback:Body"] = fallback.Body;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("Bulwark");
    }
}
