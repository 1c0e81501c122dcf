namespace Bulwark.Deliveries;

/// <summary>What the dependency answered to the delivery that succeeded (or refused it for good), kept to answer a client that sends the same key again.</summary>
/// <param name="Status">The status code (HTTP, or a handler's own code).</param>
/// <param name="ContentType">The response's media type, or <see langword="null"/>.</param>
/// <param name="Body">The response body, at most the configured size; empty when none was kept.</param>
/// <param name="BodyTruncated"><see langword="true"/> when the body was longer than the configured size, so <paramref name="Body"/> is only its start.</param>
public sealed record DeliveryResponse(int Status, string? ContentType, ReadOnlyMemory<byte> Body, bool BodyTruncated = false);
