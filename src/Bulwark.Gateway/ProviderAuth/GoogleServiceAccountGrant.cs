using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// A Google service account's token: a JWT assertion (RS256 with the account's private key; issuer the account, audience
/// the key's <c>token_uri</c>, the scopes, an hour's lifetime) exchanged at <c>token_uri</c> by the JWT bearer grant
/// (RFC 7523, <c>urn:ietf:params:oauth:grant-type:jwt-bearer</c>).
/// </summary>
internal sealed class GoogleServiceAccountGrant(string provider, GoogleServiceAccountKey key, IReadOnlyList<string> scopes, TokenEndpointClient client, TimeProvider timeProvider)
{
    public Task<AccessToken> FetchAsync(CancellationToken cancellationToken)
    {
        string assertion = Assertion(key, scopes, timeProvider.GetUtcNow());
        var form = new KeyValuePair<string, string>[]
        {
            new("grant_type", ProviderAuthConstants.GoogleJwtBearerGrant),
            new("assertion", assertion),
        };
        return client.RequestAsync(provider, key.TokenUri, form, clientAuthentication: null, cancellationToken);
    }

    /// <summary>The signed assertion: <c>base64url(header).base64url(claims).base64url(RS256 signature)</c>.</summary>
    internal static string Assertion(GoogleServiceAccountKey key, IReadOnlyList<string> scopes, DateTimeOffset now)
    {
        var header = new Dictionary<string, string> { ["alg"] = "RS256", ["typ"] = "JWT" };
        if (key.PrivateKeyId is { Length: > 0 } kid)
        {
            header["kid"] = kid;
        }

        long issuedAt = now.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = key.ClientEmail,
            ["scope"] = string.Join(' ', scopes),
            ["aud"] = key.TokenUri.AbsoluteUri,
            ["iat"] = issuedAt,
            ["exp"] = issuedAt + (long)ProviderAuthConstants.GoogleAssertionLifetime.TotalSeconds,
        };

        string signingInput = Base64Url(JsonSerializer.SerializeToUtf8Bytes(header)) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(key.PrivateKeyPem);
        byte[] signature = rsa.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
