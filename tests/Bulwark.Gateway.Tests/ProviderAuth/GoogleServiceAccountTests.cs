using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Bulwark.Gateway.Tests.ProviderAuth;

/// <summary>
/// <c>GoogleServiceAccount</c>: a key the test generated, a token endpoint (Kestrel) that verifies the RS256 assertion
/// with the key's public half as Google's does, and a provider that checks the bearer token.
/// </summary>
public class GoogleServiceAccountTests
{
    private const string Email = "uploader@podcast-project.iam.gserviceaccount.com";

    private const string Scope = "https://www.googleapis.com/auth/devstorage.read_write";

    [Fact]
    public async Task KeyFile_SignedAssertion_IsVerifiedByTheTokenEndpoint_AndItsTokenReachesTheProvider()
    {
        using var rsa = RSA.Create(2048);
        await using var tokens = await TokenServer.StartAsync();
        string? verdict = null;
        tokens.Issue = async (context, request, n) =>
        {
            verdict = Verify(request, rsa, tokens.Endpoint);
            if (verdict is not null)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(new { error = "invalid_grant" });
                return;
            }

            await context.Response.WriteAsJsonAsync(new { access_token = $"ya29.token-{n}", token_type = "Bearer", expires_in = 3599 });
        };
        await using var provider = await Upstream.StartAsync();
        string keyFile = WriteKey(rsa, tokens.Endpoint);
        try
        {
            await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, $"\"KeyFromFile\": {JsonSerializer.Serialize(keyFile)}"));

            using var first = await gateway.Client.GetAsync("/gcs/storage/v1/b/episodes/o");
            using var second = await gateway.Client.GetAsync("/gcs/storage/v1/b/episodes/o?prefix=2026");

            Assert.Null(verdict);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal(1, tokens.Requests);
            Assert.All(provider.Snapshot(), r => Assert.Equal("Bearer ya29.token-1", r.Headers["Authorization"]));
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task KeyFromEnvironment_SignedWithAnotherKey_TheEndpointRefuses_AndTheClientGetsA502Problem()
    {
        using var rsa = RSA.Create(2048);
        using var other = RSA.Create(2048);
        await using var tokens = await TokenServer.StartAsync();
        tokens.Issue = async (context, request, _) =>
        {
            // The endpoint knows the account by another key: the assertion's signature does not verify.
            Assert.NotNull(Verify(request, other, tokens.Endpoint));
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsJsonAsync(new { error = "invalid_grant", error_description = "Invalid JWT Signature." });
        };
        await using var provider = await Upstream.StartAsync();
        var environment = new Dictionary<string, string> { ["GCS_KEY"] = KeyJson(rsa, tokens.Endpoint) };
        await using var gateway = await GatewayUnderTest.StartAsync(Config(provider.BaseAddress, "\"KeyFromEnvironment\": \"GCS_KEY\""), environment);

        using var response = await gateway.Client.GetAsync("/gcs/storage/v1/b/episodes/o");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await Problem.ReadAsync(response);
        Assert.Equal("The gateway could not authenticate to provider 'gcs': the token endpoint refused the token request with 400 (error 'invalid_grant'). The request was not sent to it.", problem.GetProperty("detail").GetString());
        Assert.Equal(0, provider.Requests);
    }

    /// <summary>Checks a JWT bearer grant as Google's endpoint does; returns what is wrong, or <see langword="null"/>.</summary>
    private static string? Verify(TokenRequest request, RSA key, Uri endpoint)
    {
        if (request.Form.GetValueOrDefault("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            return "grant_type";
        }

        string[] parts = request.Form.GetValueOrDefault("assertion", string.Empty).Split('.');
        if (parts.Length != 3)
        {
            return "not a JWT";
        }

        bool signed = key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (!signed)
        {
            return "signature";
        }

        using var header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        using var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
        var c = claims.RootElement;
        long iat = c.GetProperty("iat").GetInt64();
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return header.RootElement.GetProperty("alg").GetString() != "RS256" ? "alg"
            : header.RootElement.GetProperty("kid").GetString() != "key-1" ? "kid"
            : c.GetProperty("iss").GetString() != Email ? "iss"
            : c.GetProperty("aud").GetString() != endpoint.AbsoluteUri ? "aud"
            : c.GetProperty("scope").GetString() != Scope ? "scope"
            : Math.Abs(iat - now) > 60 ? "iat"
            : c.GetProperty("exp").GetInt64() != iat + 3600 ? "exp"
            : null;
    }

    internal static string KeyJson(RSA rsa, Uri tokenUri) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["type"] = "service_account",
        ["project_id"] = "podcast-project",
        ["private_key_id"] = "key-1",
        ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
        ["client_email"] = Email,
        ["client_id"] = "1234567890",
        ["token_uri"] = tokenUri.AbsoluteUri,
    });

    private static string WriteKey(RSA rsa, Uri tokenUri)
    {
        string path = Path.Combine(Path.GetTempPath(), "bulwark-sa-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, KeyJson(rsa, tokenUri));
        return path;
    }

    private static string Config(Uri provider, string key) => $$"""
        {
          "Bulwark": {
            "Pipelines": { "default": {{Configs.FastPipeline}} },
            "Providers": {
              "gcs": {
                "BaseUrl": "{{provider.ToString().TrimEnd('/')}}",
                "Auth": { "Type": "GoogleServiceAccount", {{key}}, "Scopes": [ "{{Scope}}" ] }
              }
            },
            "Routes": [ { "Path": "/gcs/{**rest}", "Providers": [ "gcs" ] } ]
          }
        }
        """;
}
