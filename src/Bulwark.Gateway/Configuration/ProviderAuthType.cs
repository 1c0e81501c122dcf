namespace Bulwark.Gateway.Configuration;

/// <summary>How the gateway authenticates itself to a provider (<c>Providers:{name}:Auth:Type</c>).</summary>
public enum ProviderAuthType
{
    /// <summary>One header with a secret, such as <c>Authorization: Bearer …</c>: the typed form of a provider header.</summary>
    Header = 1,

    /// <summary>Every attempt signed with AWS Signature Version 4 for the provider's own host (S3, MinIO, R2, B2 and other AWS APIs).</summary>
    AwsSigV4 = 2,

    /// <summary>An OAuth 2.0 access token from a token endpoint by the client credentials grant (RFC 6749 section 4.4), sent as a bearer token.</summary>
    OAuth2ClientCredentials = 3,

    /// <summary>An access token from a Google service account key (a signed JWT bearer grant), sent as a bearer token (GCS and most Google APIs).</summary>
    GoogleServiceAccount = 4,
}
