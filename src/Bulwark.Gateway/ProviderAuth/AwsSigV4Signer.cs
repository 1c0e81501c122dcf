using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// AWS Signature Version 4 (header form), on the platform's SHA-256 and HMAC-SHA256: the canonical request, the string
/// to sign, the signing key derived from the secret for the day, region and service, and the <c>Authorization</c>
/// header. S3 signs the path as sent (each segment URI-encoded once, never normalized); other services encode it twice.
/// </summary>
internal static class AwsSigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>The SHA-256 of an empty body.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public const string DateHeader = "x-amz-date";

    public const string ContentSha256Header = "x-amz-content-sha256";

    public const string SecurityTokenHeader = "x-amz-security-token";

    /// <summary>Signs <paramref name="request"/> at <paramref name="now"/>.</summary>
    public static AwsSigV4Signature Sign(in AwsSigV4Request request, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        string amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string day = amzDate[..8];

        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Headers)
        {
            string key = name.ToLowerInvariant();
            string trimmed = CollapseSpaces(value);
            headers[key] = headers.TryGetValue(key, out string? earlier) ? earlier + "," + trimmed : trimmed;
        }

        headers["host"] = request.Host;
        headers[DateHeader] = amzDate;
        if (credentials.SessionToken is { } token)
        {
            headers[SecurityTokenHeader] = token;
        }

        var canonical = new StringBuilder(256);
        canonical.Append(request.Method).Append('\n');
        canonical.Append(CanonicalPath(request.Path, doubleEncode: service != "s3")).Append('\n');
        canonical.Append(CanonicalQuery(request.Query)).Append('\n');
        foreach (var (name, value) in headers)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        string signedHeaders = string.Join(';', headers.Keys);
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(request.PayloadHash);
        string canonicalRequest = canonical.ToString();

        string scope = $"{day}/{region}/{service}/aws4_request";
        string stringToSign = $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

        byte[] key1 = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), Encoding.UTF8.GetBytes(day));
        byte[] key2 = HMACSHA256.HashData(key1, Encoding.UTF8.GetBytes(region));
        byte[] key3 = HMACSHA256.HashData(key2, Encoding.UTF8.GetBytes(service));
        byte[] signingKey = HMACSHA256.HashData(key3, "aws4_request"u8);
        string signature = Hex(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

        string authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new AwsSigV4Signature(authorization, amzDate, canonicalRequest, stringToSign, signature);
    }

    /// <summary>Lower-case hex, as every hash in a signature is written.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>
    /// The canonical path. For S3, each segment of the wire path decoded and encoded again with SigV4's rule (only
    /// unreserved characters stay), so that the store, which decodes what it receives, computes the same (an encoded
    /// slash stays within its segment). For other services, the wire path encoded once more: the "twice" of the
    /// specification, the first time being the client's own. Never normalized (no dot segments or double slashes removed).
    /// </summary>
    internal static string CanonicalPath(string path, bool doubleEncode)
    {
        if (path.Length == 0)
        {
            return "/";
        }

        var segments = path.Split('/');
        for (int i = 0; i < segments.Length; i++)
        {
            segments[i] = Encode(doubleEncode ? segments[i] : Uri.UnescapeDataString(segments[i]));
        }

        return string.Join('/', segments);
    }

    /// <summary>The query's parameters decoded, encoded with SigV4's rule and sorted by name, then value; a bare name gets <c>=</c>.</summary>
    internal static string CanonicalQuery(string query)
    {
        if (query.Length == 0)
        {
            return string.Empty;
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (string part in query.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            int equals = part.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? part : part[..equals];
            string value = equals < 0 ? string.Empty : part[(equals + 1)..];
            pairs.Add((Encode(Uri.UnescapeDataString(name)), Encode(Uri.UnescapeDataString(value))));
        }

        pairs.Sort(static (a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });

        var text = new StringBuilder(query.Length + 8);
        foreach (var (name, value) in pairs)
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }

            text.Append(name).Append('=').Append(value);
        }

        return text.ToString();
    }

    /// <summary>URI-encodes every byte of the UTF-8 text except the unreserved characters (RFC 3986), upper-case hex.</summary>
    internal static string Encode(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    /// <summary>A header value trimmed, its runs of spaces made one (SigV4's canonical header value).</summary>
    private static string CollapseSpaces(string value)
    {
        string trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var text = new StringBuilder(trimmed.Length);
        foreach (char c in trimmed)
        {
            if (c != ' ' || text.Length == 0 || text[^1] != ' ')
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
