namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>A deferring payments route in front of one provider, with fast delivery backoff for tests.</summary>
internal static class DeferralConfigs
{
    public const string AdminToken = "deferral-admin-token-0123456789";

    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string> { ["PAY_TOKEN"] = "provider-secret-42" };

    public static string Payments(Uri provider, string? deferExtra = null, string? bulwarkExtra = null, int maxAttempts = 50, bool credentials = true, string? deliveriesExtra = null) => $$"""
        {
          "Bulwark": {
            {{bulwarkExtra}}
            "Admin": { "Token": "{{AdminToken}}" },
            "Pipelines": {
              "default": {
                "Retry": { "MaxRetries": 1, "Backoff": "Constant", "Jitter": "None", "BaseDelay": "00:00:00" },
                "Timeout": { "Attempt": "00:00:05", "Total": "00:00:10" }
              }
            },
            "Providers": {
              "payments": {
                "BaseUrl": "{{provider.ToString().TrimEnd('/')}}"
                {{(credentials ? ", \"Headers\": { \"Authorization\": { \"FromEnvironment\": \"PAY_TOKEN\", \"Format\": \"Bearer {0}\" } }" : string.Empty)}}
              }
            },
            "Routes": [
              {
                "Path": "/payments/{**rest}",
                "Providers": [ "payments" ],
                "OnFailure": "Defer",
                "Defer": { "MaxAttempts": {{maxAttempts}}, "TimeToLive": "00:10:00", "MaxBodyBytes": 4096, "ReplayHeaders": [ "Accept", "X-Customer" ] {{deferExtra}} }
              }
            ],
            "Deliveries": { "BaseDelay": "00:00:00.050", "MaxDelay": "00:00:00.200", "PollInterval": "00:00:00.050" {{deliveriesExtra}} }
          }
        }
        """;

    /// <summary>
    /// A deferring payments route in front of one provider, one try per attempt (no retry), so that each delivery attempt
    /// is one request at the provider; <paramref name="deliveries"/> and <paramref name="defer"/> are the members of
    /// <c>Bulwark:Deliveries</c> and of the route's <c>Defer</c>. The provider's <c>X-Instance</c> header names the
    /// gateway that sent a request, as each gateway adds its own provider headers to its deliveries.
    /// </summary>
    public static string OneTryPerAttempt(Uri provider, string deliveries, string? defer = null, string instance = "gateway") => $$"""
        {
          "Bulwark": {
            "Admin": { "Token": "{{AdminToken}}" },
            "Pipelines": {
              "default": { "Timeout": { "Attempt": "00:00:05", "Total": "00:00:10" } }
            },
            "Providers": {
              "payments": { "BaseUrl": "{{provider.ToString().TrimEnd('/')}}", "Headers": { "X-Instance": { "Value": "{{instance}}" } } }
            },
            "Routes": [
              { "Path": "/payments/{**rest}", "Providers": [ "payments" ], "OnFailure": "Defer", "Defer": { {{defer}} } }
            ],
            "Deliveries": { {{deliveries}} }
          }
        }
        """;
}
