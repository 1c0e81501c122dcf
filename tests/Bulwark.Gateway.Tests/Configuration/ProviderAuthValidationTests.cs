using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Configuration;

/// <summary><c>Bulwark:Providers:{name}:Auth</c>: one validator per type, every mistake reported at once under its path; secrets never printed.</summary>
public class ProviderAuthValidationTests
{
    private const string P = "Bulwark:Providers:p:Auth";

    private static readonly Dictionary<string, string> Environment = new()
    {
        ["SECRET"] = "super-secret-value",
        ["BAD_HEADER"] = "line\nbreak",
        ["NOT_A_KEY"] = "{ \"type\": \"service_account\", \"client_email\": \"a@b\" }",
    };

    [Fact]
    public void NoType_IsRefused_NamingTheTypes()
    {
        Assert.Equal(
        [
            $"{P}: set Type to one of Header, AwsSigV4, OAuth2ClientCredentials, GoogleServiceAccount.",
            $"{P}:Region: is a setting of AwsSigV4 auth, but Auth has no Type.",
        ],
        Errors("""{ "Region": "us-east-1" }"""));
    }

    [Fact]
    public void SettingsOfAnotherType_AreRefused_EachOne()
    {
        Assert.Equal(
        [
            $"{P}:Region: is not a setting of Header auth (it is one of AwsSigV4); remove it.",
            $"{P}:Scopes: is not a setting of Header auth (it is one of OAuth2ClientCredentials and GoogleServiceAccount); remove it.",
        ],
        Errors("""{ "Type": "Header", "ValueFromEnvironment": "SECRET", "Region": "us-east-1", "Scopes": [ "a" ] }"""));
    }

    [Fact]
    public void Header_EveryMistake_AtOnce_TheSecretNeverPrinted()
    {
        Assert.Equal([$"{P}: Value: set one of ValueFromEnvironment, ValueFromFile or Value (a literal, for tests only)."], Errors("""{ "Type": "Header" }"""));
        Assert.Equal(
        [
            $"{P}:Format: 'Token' must contain the placeholder {{0}}.",
            $"{P}:HeaderName: 'Content-Length' frames the message, which the gateway does for each request; an auth header must not set it.",
            $"{P}:ValueFromEnvironment: the environment variable 'UNSET_VAR' is not set.",
        ],
        Errors("""{ "Type": "Header", "HeaderName": "Content-Length", "Format": "Token", "ValueFromEnvironment": "UNSET_VAR" }"""));
        Assert.Equal(
            [$"{P}: the header's value (its secret in its Format) contains control or non-ASCII characters, which a header cannot carry."],
            Errors("""{ "Type": "Header", "ValueFromEnvironment": "BAD_HEADER" }"""));
        Assert.Equal([$"{P}:Value: set only one of ValueFromEnvironment, ValueFromFile and Value."], Errors("""{ "Type": "Header", "Value": "x", "ValueFromEnvironment": "SECRET" }"""));
    }

    [Fact]
    public void Header_AlsoInTheProvidersHeaders_IsRefused()
    {
        Assert.Equal(
            [$"{P}:HeaderName: the provider's Headers set Authorization too; set it in one place."],
            Errors("""{ "Type": "Header", "ValueFromEnvironment": "SECRET" }""", headers: """ "Headers": { "Authorization": { "Value": "x" } }, """));
    }

    [Fact]
    public void AwsSigV4_EveryMistake_AtOnce()
    {
        Assert.Equal(
        [
            $"{P}: AccessKeyId: set one of AccessKeyIdFromEnvironment, AccessKeyIdFromFile or AccessKeyId (a literal, for tests only).",
            $"{P}: AwsSigV4 needs Region, the region the signature is scoped to (us-east-1 for MinIO's default, auto for R2).",
            $"{P}: SecretAccessKey: set one of SecretAccessKeyFromEnvironment, SecretAccessKeyFromFile or SecretAccessKey (a literal, for tests only).",
        ],
        Errors("""{ "Type": "AwsSigV4" }"""));
        Assert.Equal(
        [
            $"{P}:Region: 'US East' is not a region: lower-case letters, digits and dashes.",
            $"{P}:SecretAccessKeyFromFile: the file '/nonexistent/bulwark/secret' does not exist.",
            $"{P}:Service: 'S3!' is not an AWS service name: lower-case letters, digits and dashes (s3, execute-api…).",
            "Bulwark:Providers:p:Headers:Authorization: the AwsSigV4 auth writes Authorization for each attempt; remove the header.",
        ],
        Errors("""{ "Type": "AwsSigV4", "Region": "US East", "Service": "S3!", "AccessKeyId": "AKID", "SecretAccessKeyFromFile": "/nonexistent/bulwark/secret" }""", headers: """ "Headers": { "Authorization": { "Value": "x" } }, """));
    }

    [Fact]
    public void OAuth2ClientCredentials_EveryMistake_AtOnce()
    {
        Assert.Equal(
        [
            $"{P}: ClientSecret: set one of ClientSecretFromEnvironment, ClientSecretFromFile or ClientSecret (a literal, for tests only).",
            $"{P}: OAuth2ClientCredentials needs ClientId.",
            $"{P}: OAuth2ClientCredentials needs TokenEndpoint, the URL the client credentials grant is posted to.",
        ],
        Errors("""{ "Type": "OAuth2ClientCredentials" }"""));
        Assert.Equal(
        [
            $"{P}:RefreshBeforeExpiry: 01:00:00 is out of range; allowed 00:00:00 to 00:30:00.",
            $"{P}:Scopes:1: 'two words' is not a scope: printable ASCII without spaces, quotes or backslashes (RFC 6749 section 3.3).",
            $"{P}:TokenEndpoint: 'http://login.example.com/token' would send the client secret in clear text; use https (http only on a loopback host).",
        ],
        Errors("""{ "Type": "OAuth2ClientCredentials", "TokenEndpoint": "http://login.example.com/token", "ClientId": "c", "ClientSecretFromEnvironment": "SECRET", "Scopes": [ "ok", "two words" ], "RefreshBeforeExpiry": "01:00:00" }"""));
    }

    [Fact]
    public void GoogleServiceAccount_EveryMistake_AtOnce_NoKeyMaterialPrinted()
    {
        Assert.Equal(
        [
            $"{P}: GoogleServiceAccount needs at least one of Scopes, such as https://www.googleapis.com/auth/devstorage.read_write.",
            $"{P}: GoogleServiceAccount needs the service account's JSON key: set KeyFromFile (its path) or KeyFromEnvironment (a variable holding the JSON).",
        ],
        Errors("""{ "Type": "GoogleServiceAccount" }"""));
        Assert.Equal(
            [$"{P}:KeyFromEnvironment: the key has no private_key."],
            Errors("""{ "Type": "GoogleServiceAccount", "KeyFromEnvironment": "NOT_A_KEY", "Scopes": [ "https://www.googleapis.com/auth/cloud-platform" ] }"""));
    }

    [Fact]
    public void SecretLiterals_AreProductionReadinessErrors_EnvironmentAndFiles_AreNot()
    {
        var loaded = GatewayConfiguration.Load(Settings(Json("""{ "Type": "OAuth2ClientCredentials", "TokenEndpoint": "https://login.example.com/token", "ClientId": "c", "ClientSecret": "literal" }""")));
        var literal = Assert.Single(ProductionReadiness.Evaluate(loaded.Options, loaded.Configuration), f => f.Code == "auth-secret-literal");
        Assert.Equal(ReadinessSeverity.Error, literal.Severity);
        Assert.Equal($"{P}:ClientSecret", literal.Path);

        var fromEnvironment = GatewayConfiguration.Load(Settings(Json("""{ "Type": "OAuth2ClientCredentials", "TokenEndpoint": "https://login.example.com/token", "ClientId": "c", "ClientSecretFromEnvironment": "SECRET" }""")));
        Assert.DoesNotContain(ProductionReadiness.Evaluate(fromEnvironment.Options, fromEnvironment.Configuration), f => f.Code == "auth-secret-literal");
    }

    private static string Json(string auth, string headers = "") => $$"""
        {
          "Bulwark": {
            "Providers": { "p": { "BaseUrl": "https://127.0.0.1:9", {{headers}} "Auth": {{auth}} } },
            "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ]
          }
        }
        """;

    private static GatewayHostSettings Settings(string json) => new(null, json, []) { Environment = static name => Environment.GetValueOrDefault(name), EnvironmentOverrides = false };

    private static string[] Errors(string auth, string headers = "")
    {
        var e = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(Settings(Json(auth, headers))));
        Assert.DoesNotContain(e.Failures, f => f.Contains("super-secret-value", StringComparison.Ordinal));
        return [.. e.Failures.Where(static f => f.StartsWith("Bulwark:Providers:p", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }
}
