using System.Globalization;
using System.Text;

namespace Bulwark.Gateway.Demo;

/// <summary>The gateway configuration the demo runs: the same JSON a user would write for <c>bulwark serve</c>.</summary>
internal static class DemoGatewayConfig
{
    public const string RoutePath = "/api/{**rest}";

    /// <summary>
    /// A sensible default pipeline, one instance per provider. Delays are short because the demo's providers answer in
    /// milliseconds; a real deployment scales them to its providers (see README's configuration reference).
    /// </summary>
    public const string DefaultPipeline = """
        {
          "Retry": { "MaxRetries": 3, "Backoff": "Exponential", "Jitter": "Full", "BaseDelay": "00:00:00.010", "MaxDelay": "00:00:00.200", "MaxRetryAfter": "00:00:00.200" },
          "CircuitBreaker": { "Mode": "Adaptive", "MinimumThroughput": 20, "SamplingDuration": "00:00:02", "BreakDuration": "00:00:00.250", "MaxBreakDuration": "00:00:01", "HalfOpenMaxCalls": 1, "SuccessThreshold": 2 },
          "Timeout": { "Attempt": "00:00:01", "Total": "00:00:05" },
          "Bulkhead": { "MaxConcurrency": 64, "QueueLimit": 64, "MaxWait": "00:00:01" }
        }
        """;

    /// <summary>Builds the configuration: every provider guarded by the default pipeline, one route over all of them in <paramref name="chain"/> order.</summary>
    public static string Create(IReadOnlyList<SampleProvider> chain)
    {
        var providers = new StringBuilder();
        foreach (var provider in chain)
        {
            providers.Append(CultureInfo.InvariantCulture, $$"""{{(providers.Length == 0 ? "" : ",\n")}}      "{{provider.Name}}": { "BaseUrl": "{{provider.BaseAddress.ToString().TrimEnd('/')}}" }""");
        }

        string names = string.Join(", ", chain.Select(p => $"\"{p.Name}\""));
        return $$"""
            {
              "Bulwark": {
                "Pipelines": { "default": {{DefaultPipeline}} },
                "Providers": {
            {{providers}}
                },
                "Routes": [
                  { "Path": "{{RoutePath}}", "Providers": [ {{names}} ], "Timeout": "00:00:10" }
                ]
              }
            }
            """;
    }
}
