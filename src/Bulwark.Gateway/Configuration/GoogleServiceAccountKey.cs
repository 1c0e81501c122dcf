using System.Security.Cryptography;
using System.Text.Json;

namespace Bulwark.Gateway.Configuration;

/// <summary>
/// The parts of a Google service account's JSON key that a token is asked with: the account's e-mail, its RSA private
/// key, the key's id and the token endpoint. Read when the configuration is validated and again when it is applied.
/// </summary>
internal sealed class GoogleServiceAccountKey
{
    private GoogleServiceAccountKey(string clientEmail, string privateKeyPem, string? privateKeyId, Uri tokenUri)
    {
        ClientEmail = clientEmail;
        PrivateKeyPem = privateKeyPem;
        PrivateKeyId = privateKeyId;
        TokenUri = tokenUri;
    }

    public string ClientEmail { get; }

    /// <summary>Gets the PKCS#8 PEM of the private key. A secret: never logged.</summary>
    public string PrivateKeyPem { get; }

    public string? PrivateKeyId { get; }

    public Uri TokenUri { get; }

    /// <summary>Parses a key; the error names the field at fault, never a value.</summary>
    public static GoogleServiceAccountKey? Parse(string json, out string? error)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "is not a service account key: a JSON object is expected.";
                return null;
            }

            string? type = Text(root, "type");
            if (type is not null && type != "service_account")
            {
                error = $"is a '{type}' key, not a service account key (\"type\": \"service_account\").";
                return null;
            }

            if (Text(root, "client_email") is not { Length: > 0 } email)
            {
                error = "has no client_email.";
                return null;
            }

            if (Text(root, "private_key") is not { Length: > 0 } pem)
            {
                error = "has no private_key.";
                return null;
            }

            if (Text(root, "token_uri") is not { Length: > 0 } tokenUri
                || !Uri.TryCreate(tokenUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
                || (uri.Scheme == "http" && !uri.IsLoopback))
            {
                error = "has no token_uri that is an absolute https URL (http only for a loopback host).";
                return null;
            }

            using (var rsa = RSA.Create())
            {
                try
                {
                    rsa.ImportFromPem(pem);
                }
                catch (Exception e) when (e is ArgumentException or CryptographicException)
                {
                    error = "has a private_key that is not an RSA private key in PEM.";
                    return null;
                }
            }

            error = null;
            return new GoogleServiceAccountKey(email, pem, Text(root, "private_key_id"), uri);
        }
        catch (JsonException)
        {
            error = "is not valid JSON.";
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
