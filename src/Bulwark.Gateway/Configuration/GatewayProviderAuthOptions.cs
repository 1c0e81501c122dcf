namespace Bulwark.Gateway.Configuration;

/// <summary>
/// How the gateway authenticates itself to a provider (<c>Providers:{name}:Auth</c>). <see cref="Type"/> says which of
/// the settings below apply; a setting of another type is refused. A secret comes from one of three places: the
/// environment (<c>…FromEnvironment</c>, the variable's name), a file (<c>…FromFile</c>, its path; read at start and at
/// each configuration reload, trailing white space removed), or the file itself (a literal, which
/// <c>check-config --production</c> reports).
/// </summary>
public sealed class GatewayProviderAuthOptions
{
    /// <summary>Gets or sets how the gateway authenticates itself to the provider.</summary>
    /// <value>Required when <c>Auth</c> is present.</value>
    public ProviderAuthType? Type { get; set; }

    /// <summary>Gets or sets the header a <c>Header</c> auth sets (replacing the client's own).</summary>
    /// <value>Defaults to <c>Authorization</c>. <c>Header</c> only.</value>
    public string? HeaderName { get; set; }

    /// <summary>Gets or sets the header value's format with one <c>{0}</c> placeholder for the secret.</summary>
    /// <value>Defaults to <c>Bearer {0}</c>. <c>Header</c> only.</value>
    public string? Format { get; set; }

    /// <summary>Gets or sets the header's secret as a literal (reported by <c>check-config --production</c>).</summary>
    /// <value><c>Header</c> only; exactly one of <c>Value</c>, <c>ValueFromEnvironment</c>, <c>ValueFromFile</c>.</value>
    public string? Value { get; set; }

    /// <summary>Gets or sets the environment variable holding the header's secret.</summary>
    public string? ValueFromEnvironment { get; set; }

    /// <summary>Gets or sets the file holding the header's secret.</summary>
    public string? ValueFromFile { get; set; }

    /// <summary>Gets or sets the AWS region the signature is scoped to, such as <c>us-east-1</c> (MinIO's default; R2 uses <c>auto</c>).</summary>
    /// <value>Required for <c>AwsSigV4</c>; letters, digits and dashes.</value>
    public string? Region { get; set; }

    /// <summary>Gets or sets the AWS service the signature is scoped to.</summary>
    /// <value>Defaults to <c>s3</c>. <c>AwsSigV4</c> only.</value>
    public string? Service { get; set; }

    /// <summary>Gets or sets the access key id as a literal (it names the key; it is not the secret).</summary>
    /// <value><c>AwsSigV4</c> only; exactly one of <c>AccessKeyId</c>, <c>AccessKeyIdFromEnvironment</c>, <c>AccessKeyIdFromFile</c>.</value>
    public string? AccessKeyId { get; set; }

    /// <summary>Gets or sets the environment variable holding the access key id (<c>AWS_ACCESS_KEY_ID</c>, say).</summary>
    public string? AccessKeyIdFromEnvironment { get; set; }

    /// <summary>Gets or sets the file holding the access key id.</summary>
    public string? AccessKeyIdFromFile { get; set; }

    /// <summary>Gets or sets the secret access key as a literal (reported by <c>check-config --production</c>).</summary>
    /// <value><c>AwsSigV4</c> only; exactly one of <c>SecretAccessKey</c>, <c>SecretAccessKeyFromEnvironment</c>, <c>SecretAccessKeyFromFile</c>.</value>
    public string? SecretAccessKey { get; set; }

    /// <summary>Gets or sets the environment variable holding the secret access key (<c>AWS_SECRET_ACCESS_KEY</c>, say).</summary>
    public string? SecretAccessKeyFromEnvironment { get; set; }

    /// <summary>Gets or sets the file holding the secret access key.</summary>
    public string? SecretAccessKeyFromFile { get; set; }

    /// <summary>Gets or sets the session token of temporary credentials as a literal, sent as <c>x-amz-security-token</c>.</summary>
    /// <value>Defaults to none (long-term keys). <c>AwsSigV4</c> only; at most one of the three session token settings.</value>
    public string? SessionToken { get; set; }

    /// <summary>Gets or sets the environment variable holding the session token (<c>AWS_SESSION_TOKEN</c>, say).</summary>
    public string? SessionTokenFromEnvironment { get; set; }

    /// <summary>Gets or sets the file holding the session token.</summary>
    public string? SessionTokenFromFile { get; set; }

    /// <summary>Gets or sets the token endpoint the client credentials grant is posted to.</summary>
    /// <value>Required for <c>OAuth2ClientCredentials</c>; an absolute https URL (http only for a loopback host).</value>
    public string? TokenEndpoint { get; set; }

    /// <summary>Gets or sets the OAuth client id, sent with the secret by HTTP Basic authentication (RFC 6749 section 2.3.1).</summary>
    /// <value>Required for <c>OAuth2ClientCredentials</c>.</value>
    public string? ClientId { get; set; }

    /// <summary>Gets or sets the client secret as a literal (reported by <c>check-config --production</c>).</summary>
    /// <value><c>OAuth2ClientCredentials</c> only; exactly one of <c>ClientSecret</c>, <c>ClientSecretFromEnvironment</c>, <c>ClientSecretFromFile</c>.</value>
    public string? ClientSecret { get; set; }

    /// <summary>Gets or sets the environment variable holding the client secret.</summary>
    public string? ClientSecretFromEnvironment { get; set; }

    /// <summary>Gets or sets the file holding the client secret.</summary>
    public string? ClientSecretFromFile { get; set; }

    /// <summary>Gets or sets the scopes asked for (sent space-separated as <c>scope</c>).</summary>
    /// <value>
    /// Defaults to none for <c>OAuth2ClientCredentials</c> (no <c>scope</c> sent); at least one for
    /// <c>GoogleServiceAccount</c>, such as <c>https://www.googleapis.com/auth/devstorage.read_write</c>.
    /// </value>
    public IList<string> Scopes { get; set; } = [];

    /// <summary>Gets or sets the <c>audience</c> parameter some token endpoints ask for (Auth0, for one).</summary>
    /// <value>Defaults to none. <c>OAuth2ClientCredentials</c> only.</value>
    public string? Audience { get; set; }

    /// <summary>Gets or sets the file holding a Google service account's JSON key.</summary>
    /// <value><c>GoogleServiceAccount</c> only; exactly one of <c>KeyFromFile</c> and <c>KeyFromEnvironment</c>.</value>
    public string? KeyFromFile { get; set; }

    /// <summary>Gets or sets the environment variable holding a Google service account's JSON key (the JSON itself).</summary>
    public string? KeyFromEnvironment { get; set; }

    /// <summary>Gets or sets how long before its expiry an access token is replaced by a new one.</summary>
    /// <value>Defaults to 60 s; allowed 0 to 30 minutes. <c>OAuth2ClientCredentials</c> and <c>GoogleServiceAccount</c> only.</value>
    public TimeSpan? RefreshBeforeExpiry { get; set; }
}
