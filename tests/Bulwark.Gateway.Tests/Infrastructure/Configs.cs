namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>Gateway configurations for tests: no delays between retries unless a test asks for them.</summary>
internal static class Configs
{
    public static string TwoProviders(Uri primary, Uri secondary, string? pipeline = null, string? routeExtra = null, string? bulwarkExtra = null, string routePath = "/api/{**rest}") => $$"""
        {
          "Bulwark": {
            {{bulwarkExtra}}
            "Pipelines": {
              "default": {{pipeline ?? FastPipeline}}
            },
            "Providers": {
              "primary":   { "BaseUrl": "{{primary.ToString().TrimEnd('/')}}" },
              "secondary": { "BaseUrl": "{{secondary.ToString().TrimEnd('/')}}" }
            },
            "Routes": [
              { "Path": "{{routePath}}", "Providers": [ "primary", "secondary" ] {{routeExtra}} }
            ]
          }
        }
        """;

    /// <summary>Retries and breaker as <see cref="FastPipeline"/>, but honouring a provider's Retry-After of up to a minute.</summary>
    public const string RetryAfterPipeline = """
        {
          "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:01:00" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" }
        }
        """;

    public const string FastPipeline = """
        {
          "Retry": { "MaxRetries": 2, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00", "MaxRetryAfter": "00:00:00.050" },
          "CircuitBreaker": { "Mode": "ConsecutiveFailures", "FailureThreshold": 5, "BreakDuration": "00:00:30" },
          "Timeout": { "Attempt": "00:00:05", "Total": "00:00:20" },
          "Bulkhead": { "MaxConcurrency": 50, "QueueLimit": 50 }
        }
        """;
}
