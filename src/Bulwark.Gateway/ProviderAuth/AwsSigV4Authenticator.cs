using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// <c>AwsSigV4</c>: every attempt signed anew, at the time it is sent (a retry or a failover gets a fresh
/// <c>x-amz-date</c>), for the request as it goes: the provider's host, the rewritten path, the query, <c>host</c> and
/// every <c>x-amz-*</c> header, and the body's SHA-256 when the gateway holds the body, else <c>UNSIGNED-PAYLOAD</c>
/// (which S3 accepts over any connection; other services may refuse a streamed body).
/// </summary>
internal sealed class AwsSigV4Authenticator(string provider, AwsCredentials credentials, string region, string service, TimeProvider timeProvider, string fingerprint, ILogger logger)
    : ProviderAuthenticator(provider, "AwsSigV4", fingerprint, logger)
{
    /// <summary>The hash of each held body, computed once however many attempts send it.</summary>
    private static readonly ConditionalWeakTable<Stream, string> Hashes = [];

    public override async ValueTask ApplyAsync(HttpRequestMessage request, AccessToken? token, AttemptBody body, CancellationToken cancellationToken)
    {
        string payloadHash = !body.Present ? AwsSigV4Signer.EmptyPayloadHash
            : body.Replayable is { CanSeek: true } held ? await HashAsync(held, cancellationToken).ConfigureAwait(false)
            : AwsSigV4Signer.UnsignedPayload;

        // What the client said about its own signature goes: the gateway signs for the provider's host.
        request.Headers.Authorization = null;
        request.Headers.Remove(AwsSigV4Signer.DateHeader);
        request.Headers.Remove(AwsSigV4Signer.SecurityTokenHeader);
        request.Headers.Remove(AwsSigV4Signer.ContentSha256Header);
        request.Headers.TryAddWithoutValidation(AwsSigV4Signer.ContentSha256Header, payloadHash);

        var signed = new List<KeyValuePair<string, string>>();
        Collect(request.Headers, signed);
        if (request.Content is { } content)
        {
            Collect(content.Headers, signed);
        }

        var uri = request.RequestUri!;
        string host = uri.IsDefaultPort ? uri.IdnHost : uri.IdnHost + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string query = uri.Query.Length > 0 ? uri.Query[1..] : string.Empty;
        var signature = AwsSigV4Signer.Sign(new AwsSigV4Request(request.Method.Method, host, uri.AbsolutePath, query, signed, payloadHash), credentials, region, service, timeProvider.GetUtcNow());

        request.Headers.TryAddWithoutValidation(AwsSigV4Signer.DateHeader, signature.AmzDate);
        if (credentials.SessionToken is { } session)
        {
            request.Headers.TryAddWithoutValidation(AwsSigV4Signer.SecurityTokenHeader, session);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);
    }

    /// <summary>Every <c>x-amz-*</c> header (S3 requires each one sent to be signed), with its value as it will be sent.</summary>
    private static void Collect(System.Net.Http.Headers.HttpHeaders headers, List<KeyValuePair<string, string>> signed)
    {
        foreach (var (name, values) in headers.NonValidated)
        {
            if (name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            {
                // Sent as one line, its values joined as HttpClient joins them: signed as the provider will read it.
                signed.Add(new(name, string.Join(", ", values)));
            }
        }
    }

    private static async ValueTask<string> HashAsync(Stream body, CancellationToken cancellationToken)
    {
        if (Hashes.TryGetValue(body, out string? known))
        {
            return known;
        }

        long start = body.Position;
        body.Position = 0;
        byte[] hash = await SHA256.HashDataAsync(body, cancellationToken).ConfigureAwait(false);
        body.Position = start;
        string hex = AwsSigV4Signer.Hex(hash);
        Hashes.AddOrUpdate(body, hex);
        return hex;
    }
}
