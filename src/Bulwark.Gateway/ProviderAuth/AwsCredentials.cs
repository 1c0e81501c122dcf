namespace Bulwark.Gateway.ProviderAuth;

/// <summary>An AWS access key with its secret, and the session token of temporary credentials. Secrets: never logged.</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    /// <summary>Keeps the secret and the token out of any text made of the record.</summary>
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}
