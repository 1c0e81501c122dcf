namespace Bulwark.Gateway.ProviderAuth;

/// <summary>An access token and when it expires. The value is a secret: never logged, never in a status.</summary>
internal sealed class AccessToken(string value, DateTimeOffset expiresAt)
{
    public string Value { get; } = value;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public override string ToString() => $"AccessToken {{ ExpiresAt = {ExpiresAt:O} }}";
}
