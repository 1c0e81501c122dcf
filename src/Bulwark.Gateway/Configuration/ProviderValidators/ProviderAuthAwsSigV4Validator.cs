namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>
/// A provider's <c>AwsSigV4</c> auth: a region and a service a credential scope can name, an access key id and a
/// secret access key that are set, an optional session token, and no static <c>Authorization</c> header beside it.
/// </summary>
internal sealed class ProviderAuthAwsSigV4Validator(Func<string, string?> environment) : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        if (provider.Auth is not { Type: ProviderAuthType.AwsSigV4 } auth)
        {
            return;
        }

        string authPath = path + ":Auth";
        if (string.IsNullOrEmpty(auth.Region))
        {
            errors.Add($"{authPath}: AwsSigV4 needs Region, the region the signature is scoped to (us-east-1 for MinIO's default, auto for R2).");
        }
        else if (!IsScopePart(auth.Region))
        {
            errors.Add($"{authPath}:Region: '{auth.Region}' is not a region: lower-case letters, digits and dashes.");
        }

        if (auth.Service is { } service && !IsScopePart(service))
        {
            errors.Add($"{authPath}:Service: '{service}' is not an AWS service name: lower-case letters, digits and dashes (s3, execute-api…).");
        }

        string? keyId = ProviderAuthRules.Secret(new("AccessKeyId", auth.AccessKeyId, auth.AccessKeyIdFromEnvironment, auth.AccessKeyIdFromFile), authPath, environment, errors);
        if (keyId is not null && (keyId.Contains('/') || !ProviderAuthRules.IsHeaderValue(keyId) || keyId.Contains(' ')))
        {
            errors.Add($"{authPath}: the access key id has a slash, a space or a character a header cannot carry.");
        }

        ProviderAuthRules.Secret(new("SecretAccessKey", auth.SecretAccessKey, auth.SecretAccessKeyFromEnvironment, auth.SecretAccessKeyFromFile), authPath, environment, errors);
        var session = new ProviderSecret("SessionToken", auth.SessionToken, auth.SessionTokenFromEnvironment, auth.SessionTokenFromFile);
        if (session.IsSet && ProviderAuthRules.Secret(session, authPath, environment, errors) is { } token && !ProviderAuthRules.IsHeaderValue(token))
        {
            errors.Add($"{authPath}: the session token has a character a header cannot carry.");
        }

        foreach (var header in provider.Headers.Keys)
        {
            if (header.Equals("Authorization", StringComparison.OrdinalIgnoreCase) || header.StartsWith("x-amz-date", StringComparison.OrdinalIgnoreCase)
                || header.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase) || header.Equals("x-amz-security-token", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{path}:Headers:{header}: the AwsSigV4 auth writes {header} for each attempt; remove the header.");
            }
        }
    }

    private static bool IsScopePart(string value) => value.Length is > 0 and <= 64 && value.All(static c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
