namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>One configuration with every kind of mistake the gateway must report at once, and the exact errors expected.</summary>
internal static class InvalidConfig
{
    public const string UnsetVariable = "BULWARK_GATEWAY_TESTS_UNSET_KEY_7F3C";

    public const string Json = $$"""
        {
          "Bulwark": {
            "Pipelines": {
              "default": { "Timeout": { "Attempt": "00:00:05", "Total": "00:00:05" } }
            },
            "Providers": {
              "malformed": { "BaseUrl": "not a url" },
              "orphan":    { "BaseUrl": "http://127.0.0.1:9", "Pipeline": "missing" },
              "keyless":   {
                "BaseUrl": "http://127.0.0.1:10",
                "Headers": { "Authorization": { "FromEnvironment": "{{UnsetVariable}}", "Format": "Bearer {0}" } }
              }
            },
            "Routes": [
              { "Path": "/api/{**rest}", "Providers": [ "malformed", "ghost" ] },
              { "Path": "/api/{**rest}", "Providers": [ "keyless" ] }
            ]
          }
        }
        """;

    /// <summary>The errors in the order they are reported: pipelines, providers (the configuration lists them by name), routes.</summary>
    public static readonly string[] Errors =
    [
        "Bulwark:Pipelines:default:Timeout:Attempt: 00:00:05 must be less than Timeout:Total (00:00:05), or no retry could ever start.",
        $"Bulwark:Providers:keyless:Headers:Authorization:FromEnvironment: the environment variable {UnsetVariable} is not set.",
        "Bulwark:Providers:malformed:BaseUrl: 'not a url' is not an absolute http or https URL.",
        "Bulwark:Providers:orphan:Pipeline: no pipeline named 'missing' (configured: default).",
        "Bulwark:Routes:0:Providers:1: no provider named 'ghost' (configured: keyless, malformed, orphan).",
        "Bulwark:Routes:1:Path: '/api/{**rest}' duplicates Routes:0.",
    ];
}
