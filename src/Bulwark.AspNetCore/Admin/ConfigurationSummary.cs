using Microsoft.Extensions.Configuration;

namespace Bulwark.AspNetCore.Admin;

/// <summary>The <c>Bulwark</c> configuration section as flat key/value pairs, with secrets masked.</summary>
internal static class ConfigurationSummary
{
    private static readonly string[] SecretWords =
        ["token", "secret", "password", "passwd", "pwd", "apikey", "api_key", "api-key", "credential", "connectionstring", "authorization", "cookie", "privatekey", "signature"];

    public static IEnumerable<KeyValuePair<string, string>> Read(IConfiguration configuration)
    {
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in configuration.GetSection("Bulwark").AsEnumerable())
        {
            if (value is not null)
            {
                entries.Add(new(key, Mask(key, value)));
            }
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return entries;
    }

    public static string Mask(string key, string value)
    {
        // Any value under a Headers section is what a provider is sent (an Authorization value, an API key): masked,
        // whatever its leaf is called. Otherwise every segment of the key is checked, not just the last.
        if (key.Contains(":Headers:", StringComparison.OrdinalIgnoreCase))
        {
            return BulwarkAdminConstants.Masked;
        }

        foreach (var segment in key.Split(':'))
        {
            if (segment.EndsWith("key", StringComparison.OrdinalIgnoreCase))
            {
                return BulwarkAdminConstants.Masked;
            }

            foreach (var word in SecretWords)
            {
                if (segment.Contains(word, StringComparison.OrdinalIgnoreCase))
                {
                    return BulwarkAdminConstants.Masked;
                }
            }
        }

        // A URL may carry credentials: https://user:password@host/.
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.UserInfo))
        {
            return new UriBuilder(uri) { UserName = BulwarkAdminConstants.Masked, Password = string.Empty }.Uri.ToString();
        }

        return value;
    }
}
