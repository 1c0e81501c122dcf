namespace Bulwark.Gateway.ProviderAuth;

/// <summary>What a Signature Version 4 covers of one request.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Host">The <c>Host</c> the request is sent with (with its port when not the scheme's default).</param>
/// <param name="Path">The path as sent on the wire: percent-encoded, not normalized.</param>
/// <param name="Query">The query as sent on the wire, without its <c>?</c>; empty for none.</param>
/// <param name="Headers">The headers to sign besides <c>host</c>, <c>x-amz-date</c> and <c>x-amz-security-token</c>, as sent (a name may repeat).</param>
/// <param name="PayloadHash">The lower-case hex SHA-256 of the body, or <c>UNSIGNED-PAYLOAD</c>.</param>
internal readonly record struct AwsSigV4Request(
    string Method,
    string Host,
    string Path,
    string Query,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string PayloadHash);
