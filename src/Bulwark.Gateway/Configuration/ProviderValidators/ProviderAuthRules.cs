using System.Globalization;

namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>Rules the auth validators share: reading a secret, the refresh margin, the scopes.</summary>
internal static class ProviderAuthRules
{
    /// <summary>Reads <paramref name="secret"/>, adding the error (with its setting's path) if it cannot be read.</summary>
    public static string? Secret(ProviderSecret secret, string authPath, Func<string, string?> environment, List<string> errors)
    {
        if (secret.TryRead(environment, out string value, out string? error, out string setting))
        {
            return value;
        }

        // A missing secret names the section (it has no setting yet); a bad one names its setting.
        errors.Add(secret.IsSet ? $"{authPath}:{setting}: {error}" : $"{authPath}: {secret.Name}: {error}");
        return null;
    }

    public static void RefreshBeforeExpiry(GatewayProviderAuthOptions auth, string authPath, List<string> errors)
    {
        if (auth.RefreshBeforeExpiry is { } margin && (margin < TimeSpan.Zero || margin > ProviderAuthConstants.MaxRefreshBeforeExpiry))
        {
            errors.Add($"{authPath}:RefreshBeforeExpiry: {margin.ToString("c", CultureInfo.InvariantCulture)} is out of range; allowed 00:00:00 to {ProviderAuthConstants.MaxRefreshBeforeExpiry.ToString("c", CultureInfo.InvariantCulture)}.");
        }
    }

    public static void Scopes(GatewayProviderAuthOptions auth, string authPath, List<string> errors)
    {
        for (int i = 0; i < auth.Scopes.Count; i++)
        {
            string scope = auth.Scopes[i] ?? string.Empty;
            if (scope.Length == 0 || scope.Any(static c => c <= ' ' || c == '"' || c == '\\' || c > '~'))
            {
                errors.Add($"{authPath}:Scopes:{i}: '{scope}' is not a scope: printable ASCII without spaces, quotes or backslashes (RFC 6749 section 3.3).");
            }
        }
    }

    /// <summary>A header value the HTTP stack can send: visible ASCII and spaces. The value is a secret: never printed.</summary>
    public static bool IsHeaderValue(string value) => !value.Any(static c => c < ' ' || c > '~');
}
