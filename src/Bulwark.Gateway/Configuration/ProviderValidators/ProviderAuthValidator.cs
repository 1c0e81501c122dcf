namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>
/// A provider's <c>Auth</c>, whatever its type: a known <c>Type</c>, and no setting that belongs to another type (it
/// would be accepted and ignored). Each type's own rules are in its validator.
/// </summary>
internal sealed class ProviderAuthValidator : IProviderValidator
{
    private static readonly (string Name, ProviderAuthType[] Types, Func<GatewayProviderAuthOptions, bool> IsSet)[] Settings =
    [
        ("HeaderName", [ProviderAuthType.Header], static a => a.HeaderName is not null),
        ("Format", [ProviderAuthType.Header], static a => a.Format is not null),
        ("Value", [ProviderAuthType.Header], static a => a.Value is not null),
        ("ValueFromEnvironment", [ProviderAuthType.Header], static a => a.ValueFromEnvironment is not null),
        ("ValueFromFile", [ProviderAuthType.Header], static a => a.ValueFromFile is not null),
        ("Region", [ProviderAuthType.AwsSigV4], static a => a.Region is not null),
        ("Service", [ProviderAuthType.AwsSigV4], static a => a.Service is not null),
        ("AccessKeyId", [ProviderAuthType.AwsSigV4], static a => a.AccessKeyId is not null),
        ("AccessKeyIdFromEnvironment", [ProviderAuthType.AwsSigV4], static a => a.AccessKeyIdFromEnvironment is not null),
        ("AccessKeyIdFromFile", [ProviderAuthType.AwsSigV4], static a => a.AccessKeyIdFromFile is not null),
        ("SecretAccessKey", [ProviderAuthType.AwsSigV4], static a => a.SecretAccessKey is not null),
        ("SecretAccessKeyFromEnvironment", [ProviderAuthType.AwsSigV4], static a => a.SecretAccessKeyFromEnvironment is not null),
        ("SecretAccessKeyFromFile", [ProviderAuthType.AwsSigV4], static a => a.SecretAccessKeyFromFile is not null),
        ("SessionToken", [ProviderAuthType.AwsSigV4], static a => a.SessionToken is not null),
        ("SessionTokenFromEnvironment", [ProviderAuthType.AwsSigV4], static a => a.SessionTokenFromEnvironment is not null),
        ("SessionTokenFromFile", [ProviderAuthType.AwsSigV4], static a => a.SessionTokenFromFile is not null),
        ("TokenEndpoint", [ProviderAuthType.OAuth2ClientCredentials], static a => a.TokenEndpoint is not null),
        ("ClientId", [ProviderAuthType.OAuth2ClientCredentials], static a => a.ClientId is not null),
        ("ClientSecret", [ProviderAuthType.OAuth2ClientCredentials], static a => a.ClientSecret is not null),
        ("ClientSecretFromEnvironment", [ProviderAuthType.OAuth2ClientCredentials], static a => a.ClientSecretFromEnvironment is not null),
        ("ClientSecretFromFile", [ProviderAuthType.OAuth2ClientCredentials], static a => a.ClientSecretFromFile is not null),
        ("Audience", [ProviderAuthType.OAuth2ClientCredentials], static a => a.Audience is not null),
        ("Scopes", [ProviderAuthType.OAuth2ClientCredentials, ProviderAuthType.GoogleServiceAccount], static a => a.Scopes.Count > 0),
        ("RefreshBeforeExpiry", [ProviderAuthType.OAuth2ClientCredentials, ProviderAuthType.GoogleServiceAccount], static a => a.RefreshBeforeExpiry is not null),
        ("KeyFromFile", [ProviderAuthType.GoogleServiceAccount], static a => a.KeyFromFile is not null),
        ("KeyFromEnvironment", [ProviderAuthType.GoogleServiceAccount], static a => a.KeyFromEnvironment is not null),
    ];

    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        if (provider.Auth is not { } auth)
        {
            return;
        }

        string authPath = path + ":Auth";
        if (auth.Type is not { } type || !Enum.IsDefined(type))
        {
            errors.Add($"{authPath}: set Type to one of {string.Join(", ", Enum.GetNames<ProviderAuthType>())}.");
            foreach (var (name, types, isSet) in Settings)
            {
                if (isSet(auth))
                {
                    errors.Add($"{authPath}:{name}: is a setting of {string.Join(" and ", types)} auth, but Auth has no Type.");
                }
            }

            return;
        }

        foreach (var (name, types, isSet) in Settings)
        {
            if (isSet(auth) && Array.IndexOf(types, type) < 0)
            {
                errors.Add($"{authPath}:{name}: is not a setting of {type} auth (it is one of {string.Join(" and ", types)}); remove it.");
            }
        }
    }
}
