using Polly;

namespace Bulwark.Http;

/// <summary>Keys of the <see cref="ResilienceContext.Properties"/> the HttpClient handler sets.</summary>
internal static class HttpResilienceKeys
{
    /// <summary>The request the caller sent (never a per-attempt clone, which is disposed after its attempt).</summary>
    public static readonly ResiliencePropertyKey<HttpRequestMessage> RequestMessage = new("Bulwark.Http.RequestMessage");
}
