using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary>The upload settings' rules, with their exact messages: MaxReplayableBodyBytes, Spool, a route's Uploads.</summary>
public class UploadsValidationTests
{
    private static readonly Uri Primary = new("http://127.0.0.1:9001");
    private static readonly Uri Secondary = new("http://127.0.0.1:9002");

    private static IReadOnlyList<string> Errors(string json)
    {
        var settings = new GatewayHostSettings(null, json, ["http://127.0.0.1:0"]) { Environment = _ => null, EnvironmentNames = () => [], EnvironmentOverrides = false };
        return [.. Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(settings)).Failures];
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1000)]
    [InlineData((1L << 40) + 1)]
    public void MaxReplayableBodyBytes_OutOfRange_IsRefused(long value)
    {
        var errors = Errors(Configs.TwoProviders(Primary, Secondary, bulwarkExtra: $""" "MaxBufferedBodyBytes": 65536, "MaxReplayableBodyBytes": {value}, """));

        Assert.Equal([$"Bulwark:MaxReplayableBodyBytes: {value} is out of range; allowed 0 (off: larger bodies stream once) or Bulwark:MaxBufferedBodyBytes (65536) to 1099511627776."], errors);
    }

    [Fact]
    public void Spool_MissingDirectoryAndCapOutOfRange_AreRefused()
    {
        string missing = Path.Combine(Path.GetTempPath(), "bulwark-no-such-" + Guid.NewGuid().ToString("N"));
        var errors = Errors(Configs.TwoProviders(Primary, Secondary, bulwarkExtra: $$""" "Spool": { "Directory": "{{missing}}", "MaxBytes": -5 }, """));

        Assert.Equal(
            [
                "Bulwark:Spool:MaxBytes: -5 is out of range; allowed 0 to 1125899906842624.",
                $"Bulwark:Spool:Directory: '{missing}' is not an existing directory.",
            ],
            errors);
    }

    [Fact]
    public void AbortMultipartOnFailure_OnAnApiRoute_IsRefused()
    {
        var errors = Errors(Configs.TwoProviders(Primary, Secondary, routeExtra: """, "Api": "OpenAI", "Uploads": { "AbortMultipartOnFailure": true }"""));

        Assert.Equal(["Bulwark:Routes:0:Uploads:AbortMultipartOnFailure: not allowed on a route with Api 'OpenAI'; S3 multipart uploads go through an Http route."], errors);
    }
}
