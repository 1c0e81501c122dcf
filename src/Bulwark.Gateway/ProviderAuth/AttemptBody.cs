namespace Bulwark.Gateway.ProviderAuth;

/// <summary>The body of one attempt as its signature sees it.</summary>
/// <param name="Present">Whether the attempt sends a body.</param>
/// <param name="Replayable">The whole body, seekable, when the gateway holds it (buffered, spooled or rewritten); <see langword="null"/> for a body streamed once.</param>
internal readonly record struct AttemptBody(bool Present, Stream? Replayable);
