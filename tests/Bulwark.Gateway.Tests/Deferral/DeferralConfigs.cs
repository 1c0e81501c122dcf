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
}
