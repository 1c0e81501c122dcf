using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Limits;

public class LimitsValidationTests
{
    [Fact]
    public void Build_LimitsOutOfRange_ReportsEveryErrorWithItsPath()
    {
        const string json = """
            {
              "Bulwark": {
                "Limits": { "MaxRequestBodyBytes": 0, "MaxRequestHeadersTotalSize": 100, "MaxRequestHeaderCount": 0, "ConcurrencyPerClient": -1, "RequestsPerMinutePerClient": -2 },
                "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } },
                "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ], "RateLimit": { "RequestsPerMinutePerClient": -3, "ConcurrencyPerClient": 100001 } } ]
              }
            }
            """;

        var error = Assert.Throws<OptionsValidationException>(() => GatewayHost.Build(new GatewayHostSettings(null, json, ["http://127.0.0.1:0"])
        {
            Environment = _ => null,
            EnvironmentOverrides = false,
        }));

        Assert.Equal(
            [
                "Bulwark:Routes:0:RateLimit:RequestsPerMinutePerClient: -3 is out of range; allowed 0 to 10000000.",
                "Bulwark:Routes:0:RateLimit:ConcurrencyPerClient: 100001 is out of range; allowed 0 to 100000.",
                "Bulwark:Limits:MaxRequestBodyBytes: 0 is out of range; allowed 1 to 1099511627776.",
                "Bulwark:Limits:MaxRequestHeadersTotalSize: 100 is out of range; allowed 1024 to 1048576.",
                "Bulwark:Limits:MaxRequestHeaderCount: 0 is out of range; allowed 1 to 10000.",
                "Bulwark:Limits:ConcurrencyPerClient: -1 is out of range; allowed 0 to 100000.",
                "Bulwark:Limits:RequestsPerMinutePerClient: -2 is out of range; allowed 0 to 10000000.",
            ],
            error.Failures);
    }
}
