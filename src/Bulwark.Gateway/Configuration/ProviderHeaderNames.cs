namespace Bulwark.Gateway.Configuration;

/// <summary>
/// Which header names a provider's <c>Headers</c> may add. Not one that frames the message, addresses the hop or is a
/// pseudo-header: the gateway and the HTTP stack write those for each request, and a fixed value would break every
/// request to the provider (a wrong <c>Content-Length</c> or <c>Host</c>, a second <c>Transfer-Encoding</c>).
/// </summary>
internal static class ProviderHeaderNames
{
    private static readonly HashSet<string> Framing = new(StringComparer.OrdinalIgnoreCase) { "Content-Length", "Transfer-Encoding", "TE", "Trailer" };

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Connection", "Keep-Alive", "Proxy-Connection", "Upgrade" };

    /// <summary>Returns why <paramref name="name"/> cannot be a provider header, or <see langword="null"/> when it can.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="subject">What sets it, for the message.</param>
    public static string? Refusal(string name, string subject = "a provider header")
    {
        if (name.Length == 0)
        {
            // ':' separates configuration keys: "Headers": { ":authority": ... } reads as an empty name holding "authority".
            return "the header name is empty (a name starting with ':', as a pseudo-header's does, reads as an empty one); pseudo-headers are written by the HTTP stack only.";
        }

        if (name.StartsWith(':'))
        {
            return $"'{name}' is an HTTP/2 pseudo-header, which only the HTTP stack writes; {subject} must not set it.";
        }

        if (!IsToken(name))
        {
            return $"'{name}' is not a valid header name.";
        }

        if (Framing.Contains(name))
        {
            return $"'{name}' frames the message, which the gateway does for each request; {subject} must not set it.";
        }

        if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
        {
            return $"'{name}' is set from the provider's BaseUrl; {subject} must not set it.";
        }

        return HopByHop.Contains(name)
            ? $"'{name}' is a hop-by-hop header, which applies to one connection and is never forwarded; {subject} must not set it."
            : null;
    }

    // RFC 9110 token: visible ASCII except the delimiters.
    private static bool IsToken(string name) =>
        name.Length > 0 && !name.Any(static c => c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".Contains(c));
}
