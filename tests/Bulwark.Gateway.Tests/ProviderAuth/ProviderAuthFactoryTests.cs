using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.ProviderAuth;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.ProviderAuth;

/// <summary>Every source of every secret reads the same secret into what is sent; a reload with nothing changed keeps the instance.</summary>
public class ProviderAuthFactoryTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    private readonly string _directory = Directory.CreateTempSubdirectory("bulwark-auth-").FullName;

    private readonly Dictionary<string, string> _environment = new()
    {
        ["KEY_ID"] = "AKIDFROMENV",
        ["SECRET"] = "secret-from-env",
        ["SESSION"] = "session-from-env",
    };

    [Theory]
    [InlineData("literal")]
    [InlineData("environment")]
    [InlineData("file")]
    public async Task AwsSigV4_EachSecretSource_SignsWithTheSameCredentials(string source)
    {
        var auth = new GatewayProviderAuthOptions { Type = ProviderAuthType.AwsSigV4, Region = "eu-west-3", Service = "execute-api" };
        switch (source)
        {
            case "literal":
                (auth.AccessKeyId, auth.SecretAccessKey, auth.SessionToken) = ("AKIDFROMENV", "secret-from-env", "session-from-env");
                break;
            case "environment":
                (auth.AccessKeyIdFromEnvironment, auth.SecretAccessKeyFromEnvironment, auth.SessionTokenFromEnvironment) = ("KEY_ID", "SECRET", "SESSION");
                break;
            default:
                (auth.AccessKeyIdFromFile, auth.SecretAccessKeyFromFile, auth.SessionTokenFromFile) = (File("AKIDFROMENV\n"), File("secret-from-env\n"), File("session-from-env"));
                break;
        }

        using var factory = new ProviderAuthFactory(new FakeTimeProvider(At), NullLogger.Instance);
        var authenticator = factory.Create("api", auth, _environment.GetValueOrDefault)!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://abc.execute-api.eu-west-3.amazonaws.com/prod/a%20b?x=1");
        await authenticator.ApplyAsync(request, token: null, new AttemptBody(false, null), CancellationToken.None);

        var expected = AwsSigV4Signer.Sign(
            new AwsSigV4Request("GET", "abc.execute-api.eu-west-3.amazonaws.com", "/prod/a%20b", "x=1", [new("x-amz-content-sha256", AwsSigV4Signer.EmptyPayloadHash)], AwsSigV4Signer.EmptyPayloadHash),
            new AwsCredentials("AKIDFROMENV", "secret-from-env", "session-from-env"), "eu-west-3", "execute-api", At);
        Assert.Equal(expected.Authorization, request.Headers.GetValues("Authorization").Single());
        Assert.Contains("/eu-west-3/execute-api/aws4_request", expected.Authorization, StringComparison.Ordinal);
        Assert.Contains("\n/prod/a%2520b\n", expected.CanonicalRequest, StringComparison.Ordinal);
        Assert.Equal("session-from-env", request.Headers.GetValues("x-amz-security-token").Single());
    }

    [Theory]
    [InlineData("literal")]
    [InlineData("environment")]
    [InlineData("file")]
    public async Task Header_EachSecretSource_SendsTheSameValue(string source)
    {
        var auth = new GatewayProviderAuthOptions { Type = ProviderAuthType.Header, HeaderName = "X-Api-Key", Format = "Key {0}" };
        _ = source switch
        {
            "literal" => auth.Value = "secret-from-env",
            "environment" => auth.ValueFromEnvironment = "SECRET",
            _ => auth.ValueFromFile = File("secret-from-env\n"),
        };

        using var factory = new ProviderAuthFactory(new FakeTimeProvider(At), NullLogger.Instance);
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.example/v1");
        await factory.Create("api", auth, _environment.GetValueOrDefault)!.ApplyAsync(request, null, default, CancellationToken.None);

        Assert.Equal("Key secret-from-env", request.Headers.GetValues("X-Api-Key").Single());
    }

    [Fact]
    public void Reload_NothingChanged_KeepsTheInstance_ASecretChanged_BuildsANewOne()
    {
        var auth = new GatewayProviderAuthOptions { Type = ProviderAuthType.OAuth2ClientCredentials, TokenEndpoint = "https://login.example/token", ClientId = "c", ClientSecretFromFile = File("one") };
        using var factory = new ProviderAuthFactory(new FakeTimeProvider(At), NullLogger.Instance);
        var first = factory.Create("api", auth, _environment.GetValueOrDefault);

        Assert.Same(first, factory.Create("api", auth, _environment.GetValueOrDefault, first));
        System.IO.File.WriteAllText(auth.ClientSecretFromFile, "two");
        Assert.NotSame(first, factory.Create("api", auth, _environment.GetValueOrDefault, first));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string File(string content)
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        System.IO.File.WriteAllText(path, content);
        return path;
    }
}
