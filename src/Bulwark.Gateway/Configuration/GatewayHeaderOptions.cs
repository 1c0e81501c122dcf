namespace Bulwark.Gateway.Configuration;

/// <summary>
/// A header the gateway adds toward a provider. Secrets come from the environment, never from the file:
/// <c>{ "FromEnvironment": "OPENAI_API_KEY", "Format": "Bearer {0}" }</c>.
/// </summary>
public sealed class GatewayHeaderOptions
{
    /// <summary>Gets or sets the environment variable that holds the value. Exactly one of this and <see cref="Value"/> is set.</summary>
    /// <value>Defaults to <see langword="null"/>. The variable must be set when the gateway starts.</value>
    public string? FromEnvironment { get; set; }

    /// <summary>Gets or sets a literal value, for non-secret headers. Exactly one of this and <see cref="FromEnvironment"/> is set.</summary>
    /// <value>Defaults to <see langword="null"/>.</value>
    public string? Value { get; set; }

    /// <summary>Gets or sets a format with one <c>{0}</c> placeholder for the value, such as <c>Bearer {0}</c>.</summary>
    /// <value>Defaults to <c>{0}</c>: the value as it is.</value>
    public string Format { get; set; } = "{0}";
}
