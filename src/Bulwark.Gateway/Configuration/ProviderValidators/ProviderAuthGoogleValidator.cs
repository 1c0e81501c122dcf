namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>
/// A provider's <c>GoogleServiceAccount</c> auth: a JSON key from a file or the environment that is a service account
/// key with an RSA private key and a token URI, at least one scope, the refresh margin in range, and no static
/// <c>Authorization</c> header beside it.
/// </summary>
internal sealed class ProviderAuthGoogleValidator(Func<string, string?> environment) : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        if (provider.Auth is not { Type: ProviderAuthType.GoogleServiceAccount } auth)
        {
            return;
        }

        string authPath = path + ":Auth";
        var key = new ProviderSecret("Key", null, auth.KeyFromEnvironment, auth.KeyFromFile);
        if (!key.IsSet)
        {
            errors.Add($"{authPath}: GoogleServiceAccount needs the service account's JSON key: set KeyFromFile (its path) or KeyFromEnvironment (a variable holding the JSON).");
        }
        else if (ProviderAuthRules.Secret(key, authPath, environment, errors) is { } json
            && GoogleServiceAccountKey.Parse(json, out string? error) is null)
        {
            errors.Add($"{authPath}:{(auth.KeyFromFile is not null ? "KeyFromFile" : "KeyFromEnvironment")}: the key {error}");
        }

        if (auth.Scopes.Count == 0)
        {
            errors.Add($"{authPath}: GoogleServiceAccount needs at least one of Scopes, such as https://www.googleapis.com/auth/devstorage.read_write.");
        }

        ProviderAuthRules.Scopes(auth, authPath, errors);
        ProviderAuthRules.RefreshBeforeExpiry(auth, authPath, errors);
        ProviderAuthOAuth2Validator.BearerHeaderRule(provider, path, "GoogleServiceAccount", errors);
    }
}
