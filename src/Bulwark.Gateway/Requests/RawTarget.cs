using Microsoft.AspNetCore.Http.Features;

namespace Bulwark.Gateway.Requests;

/// <summary>
/// The path and query a provider receives: the client's request target byte for byte (RFC 9112 3.2), never decoded
/// and re-encoded, so <c>%2F</c>, <c>%ZZ</c> or <c>%C0%AF</c> arrive as sent. Only dot-segments (<c>.</c>, <c>..</c>,
/// and their percent-encoded forms) are resolved, exactly as Kestrel resolved them for the route match, so the
/// provider never sees a path that leaves the route the gateway matched.
/// </summary>
internal static class RawTarget
{
    /// <summary>Keeps a URI's path and query as given: <see cref="Uri"/> would otherwise unescape or re-escape them.</summary>
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>The destination at <paramref name="destinationPrefix"/> (the provider's base URL, whose own path goes first).</summary>
    public static Uri Destination(string destinationPrefix, string pathAndQuery) => new(destinationPrefix + pathAndQuery, in Verbatim);

    /// <summary>
    /// The path and query to forward for <paramref name="context"/>'s request, or <see langword="null"/> when its
    /// target is not one to forward verbatim (asterisk- or authority-form, or characters a request line cannot
    /// carry): the forwarder's own, re-encoded, destination is kept then.
    /// </summary>
    public static string? PathAndQuery(HttpContext context) => PathAndQuery(context.Features.Get<IHttpRequestFeature>()?.RawTarget);

    /// <summary>The origin-form path and query of a raw request target, dot-segments resolved.</summary>
    internal static string? PathAndQuery(string? rawTarget)
    {
        if (string.IsNullOrEmpty(rawTarget))
        {
            return null;
        }

        string target;
        if (rawTarget[0] == '/')
        {
            target = rawTarget;
        }
        else
        {
            // Absolute-form (a request to a proxy): the scheme and authority are the client's wish, never followed;
            // only the path and query go on, to the configured provider.
            int authority = rawTarget.IndexOf("://", StringComparison.Ordinal);
            if (authority < 0)
            {
                return null;
            }

            int rest = rawTarget.AsSpan(authority + 3).IndexOfAny('/', '?');
            target = rest < 0 ? "/"
                : rawTarget[authority + 3 + rest] == '?' ? "/" + rawTarget[(authority + 3 + rest)..]
                : rawTarget[(authority + 3 + rest)..];
        }

        foreach (char c in target)
        {
            // Kestrel admits only visible ASCII in a request target; anything else is not forwarded verbatim.
            if (c is <= ' ' or >= (char)0x7F)
            {
                return null;
            }
        }

        int queryStart = target.IndexOf('?');
        string path = queryStart < 0 ? target : target[..queryStart];
        string query = queryStart < 0 ? string.Empty : target[queryStart..];
        return RemoveDotSegments(path) + query;
    }

    /// <summary>
    /// RFC 3986 5.2.4 over the raw path, segments split on a literal <c>/</c> only (an encoded <c>%2F</c> separates
    /// nothing, as in Kestrel), a segment being a dot-segment when it decodes to <c>.</c> or <c>..</c>.
    /// </summary>
    internal static string RemoveDotSegments(string path)
    {
        // A dot-segment begins right after a slash: most paths, dotted file names included, are returned as they are.
        if (!path.Contains("/.", StringComparison.Ordinal) && !path.Contains("/%2e", StringComparison.OrdinalIgnoreCase))
        {
            return path;
        }

        var segments = path.Split('/');
        var output = new List<string>(segments.Length);
        for (int i = 1; i < segments.Length; i++)
        {
            bool last = i == segments.Length - 1;
            switch (DotsIn(segments[i]))
            {
                case 1:
                    if (last)
                    {
                        output.Add(string.Empty);
                    }

                    break;
                case 2:
                    if (output.Count > 0)
                    {
                        output.RemoveAt(output.Count - 1);
                    }

                    if (last)
                    {
                        output.Add(string.Empty);
                    }

                    break;
                default:
                    output.Add(segments[i]);
                    break;
            }
        }

        return "/" + string.Join('/', output);
    }

    /// <summary>1 for a "." segment, 2 for "..", in any mix of literal and percent-encoded dots; 0 otherwise.</summary>
    private static int DotsIn(string segment)
    {
        int dots = 0;
        for (int i = 0; i < segment.Length;)
        {
            if (segment[i] == '.')
            {
                i++;
            }
            else if (i + 2 < segment.Length && segment[i] == '%' && segment[i + 1] == '2' && (segment[i + 2] is 'e' or 'E'))
            {
                i += 3;
            }
            else
            {
                return 0;
            }

            if (++dots > 2)
            {
                return 0;
            }
        }

        return dots;
    }
}
