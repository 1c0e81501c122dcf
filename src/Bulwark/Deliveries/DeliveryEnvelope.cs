namespace Bulwark.Deliveries;

/// <summary>
/// What a deferred delivery carries: an opaque body plus, for HTTP deliveries, the method, target and headers to send
/// again. Credentials are never part of it: a handler adds them from configuration at delivery time.
/// </summary>
/// <param name="Method">The HTTP method, or <see langword="null"/> for deliveries that are not HTTP requests.</param>
/// <param name="Target">The path and query relative to the dependency, or <see langword="null"/>.</param>
/// <param name="Headers">Headers to send again (never credentials). Empty when none.</param>
/// <param name="ContentType">The body's media type, or <see langword="null"/>.</param>
/// <param name="Body">The body; may be empty.</param>
public sealed record DeliveryEnvelope(
    string? Method,
    string? Target,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? ContentType,
    ReadOnlyMemory<byte> Body)
{
    /// <summary>Creates an envelope carrying only a body, for in-process handlers.</summary>
    /// <param name="body">The body.</param>
    /// <param name="contentType">The body's media type, or <see langword="null"/>.</param>
    /// <returns>The envelope.</returns>
    public static DeliveryEnvelope ForPayload(ReadOnlyMemory<byte> body, string? contentType = null) =>
        new(null, null, [], contentType, body);
}
