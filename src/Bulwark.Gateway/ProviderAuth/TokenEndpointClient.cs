using System.Net.Http.Headers;
using System.Text.Json;

namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// Posts a token request (a form, RFC 6749 section 4.4.2 and RFC 7523) and reads the answer (section 5.1): the access
/// token, its type (bearer) and lifetime. A refusal (section 5.2) is a <see cref="ProviderAuthException"/> with the
/// endpoint's status and <c>error</c> code, never its token or the request's secrets.
/// </summary>
internal sealed class TokenEndpointClient(HttpMessageInvoker http, TimeProvider timeProvider)
{
    /// <summary>The largest token response read.</summary>
    private const int MaxResponseBytes = 64 * 1024;

    public async Task<AccessToken> RequestAsync(string provider, Uri endpoint, IEnumerable<KeyValuePair<string, string>> form, AuthenticationHeaderValue? clientAuthentication, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = clientAuthentication;
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var sentAt = timeProvider.GetUtcNow();
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        byte[] body = await ReadAsync(response, cancellationToken).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ProviderAuthException(provider, $"the token endpoint answered {status} without a JSON body.");
        }

        if (!response.IsSuccessStatusCode || root.ValueKind != JsonValueKind.Object)
        {
            string error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var code) && code.ValueKind == JsonValueKind.String
                ? $" (error '{Printable(code.GetString()!)}')"
                : string.Empty;
            throw new ProviderAuthException(provider, $"the token endpoint refused the token request with {status}{error}.");
        }

        if (!root.TryGetProperty("access_token", out var tokenValue) || tokenValue.ValueKind != JsonValueKind.String || tokenValue.GetString() is not { Length: > 0 } token)
        {
            throw new ProviderAuthException(provider, "the token endpoint's answer has no access_token.");
        }

        if (root.TryGetProperty("token_type", out var type) && type.ValueKind == JsonValueKind.String
            && !string.Equals(type.GetString(), "Bearer", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProviderAuthException(provider, $"the token endpoint issued a '{Printable(type.GetString()!)}' token; only bearer tokens are sent.");
        }

        if (token.Any(static c => c < ' ' || c > '~'))
        {
            throw new ProviderAuthException(provider, "the token endpoint issued a token with characters a header cannot carry.");
        }

        var lifetime = Configuration.ProviderAuthConstants.DefaultTokenLifetime;
        if (root.TryGetProperty("expires_in", out var expires))
        {
            // Some endpoints send the number as a string.
            if ((expires.ValueKind == JsonValueKind.Number && expires.TryGetInt64(out long seconds))
                || (expires.ValueKind == JsonValueKind.String && long.TryParse(expires.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seconds)))
            {
                lifetime = TimeSpan.FromSeconds(Math.Clamp(seconds, 0, (long)TimeSpan.FromDays(366).TotalSeconds));
            }
        }

        // Counted from when the request was sent: the token cannot have been issued earlier.
        return new AccessToken(token, sentAt + lifetime);
    }

    private static async Task<byte[]> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxResponseBytes)
                {
                    throw new InvalidDataException("The token response is larger than 64 KiB.");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    /// <summary>An endpoint's text for a message: visible ASCII only, at most 100 characters.</summary>
    private static string Printable(string value)
    {
        var text = new string([.. value.Where(static c => c is >= ' ' and <= '~').Take(100)]);
        return text;
    }
}
