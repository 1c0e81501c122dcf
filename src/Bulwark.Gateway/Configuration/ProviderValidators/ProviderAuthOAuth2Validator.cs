namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>
/// A provider's <c>OAuth2ClientCredentials</c> auth: a token endpoint over https (http only on a loopback host), a
/// client id and a secret that are set, scopes and audience a token request can carry, the refresh margin in range,
/// and no static <c>Authorization</c> header beside it.
/// </summary>
internal sealed class ProviderAuthOAuth2Validator(Func<string, string?> environment) : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        if (provider.Auth is not { Type: ProviderAuthType.OAuth2ClientCredentials } auth)
        {
            return;
        }

        string authPath = path + ":Auth";
        if (string.IsNullOrEmpty(auth.TokenEndpoint))
        {
            errors.Add($"{authPath}: OAuth2ClientCredentials needs TokenEndpoint, the URL the client credentials grant is posted to.");
        }
        else if (!Uri.TryCreate(auth.TokenEndpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(endpoint.Fragment) || !string.IsNullOrEmpty(endpoint.UserInfo))
        {
            errors.Add($"{authPath}:TokenEndpoint: '{auth.TokenEndpoint}' is not an absolute https URL without credentials or fragment.");
        }
        else if (endpoint.Scheme == "http" && !endpoint.IsLoopback)
        {
            errors.Add($"{authPath}:TokenEndpoint: '{auth.TokenEndpoint}' would send the client secret in clear text; use https (http only on a loopback host).");
        }

        if (string.IsNullOrEmpty(auth.ClientId))
        {
            errors.Add($"{authPath}: OAuth2ClientCredentials needs ClientId.");
        }
        else if (auth.ClientId.Any(char.IsControl))
        {
            errors.Add($"{authPath}:ClientId: must not contain control characters.");
        }

        ProviderAuthRules.Secret(new("ClientSecret", auth.ClientSecret, auth.ClientSecretFromEnvironment, auth.ClientSecretFromFile), authPath, environment, errors);
        if (auth.Audience is { } audience && (audience.Length == 0 || audience.Any(char.IsControl)))
        {
            errors.Add($"{authPath}:Audience: must not be empty or contain control characters.");
        }

        ProviderAuthRules.Scopes(auth, authPath, errors);
        ProviderAuthRules.RefreshBeforeExpiry(auth, authPath, errors);
        BearerHeaderRule(provider, path, "OAuth2ClientCredentials", errors);
    }

    /// <summary>A static <c>Authorization</c> header would be replaced by the bearer token on every attempt: refused.</summary>
    public static void BearerHeaderRule(GatewayProviderOptions provider, string path, string type, List<string> errors)
    {
        foreach (var header in provider.Headers.Keys)
        {
            if (header.Equals("Authorization", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:Headers:{header}: the {type} auth sends the access token as Authorization on each attempt; remove the header.");
            }
        }
    }
}
