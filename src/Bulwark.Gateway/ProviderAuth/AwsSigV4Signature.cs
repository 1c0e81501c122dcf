namespace Bulwark.Gateway.ProviderAuth;

/// <summary>A computed Signature Version 4, with the texts it was computed from (for tests and diagnosis; they hold no secret).</summary>
/// <param name="Authorization">The <c>Authorization</c> header's value.</param>
/// <param name="AmzDate">The <c>x-amz-date</c> header's value the signature covers.</param>
/// <param name="CanonicalRequest">The canonical request.</param>
/// <param name="StringToSign">The string to sign.</param>
/// <param name="Signature">The signature, lower-case hex.</param>
internal readonly record struct AwsSigV4Signature(string Authorization, string AmzDate, string CanonicalRequest, string StringToSign, string Signature);
