using System.Net.Http.Headers;
using System.Text;

namespace Bulwark.Gateway.ProviderAuth;

/// <summary>
/// The client credentials grant (RFC 6749 section 4.4): <c>grant_type=client_credentials</c>, the scopes and audience
/// configured, the client authenticated by HTTP Basic with its id and secret form-encoded (section 2.3.1).
/// </summary>
internal sealed class OAuth2ClientCredentialsGrant(string provider, Uri endpoint, string clientId, string clientSecret, IReadOnlyList<string> scopes, string? audience, TokenEndpointClient client)
{
    public Task<AccessToken> FetchAsync(CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>> { new("grant_type", "client_credentials") };
        if (scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', scopes)));
        }

        if (audience is not null)
        {
            form.Add(new("audience", audience));
        }

        string credentials = Uri.EscapeDataString(clientId) + ":" + Uri.EscapeDataString(clientSecret);
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return client.RequestAsync(provider, endpoint, form, basic, cancellationToken);
    }
}
