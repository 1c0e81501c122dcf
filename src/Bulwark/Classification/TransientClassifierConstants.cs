namespace Bulwark.Classification;

/// <summary>
/// Default values of <see cref="TransientClassifierOptions"/>.
/// </summary>
internal static class TransientClassifierConstants
{
    /// <summary>
    /// Gets the HTTP status codes transient by default: 408, 429, 500, 502, 503, 504 and 529 (overloaded, as Anthropic's API and some CDNs answer).
    /// </summary>
    public static IReadOnlyList<int> DefaultTransientStatusCodes { get; } = [408, 429, 500, 502, 503, 504, 529];
}
