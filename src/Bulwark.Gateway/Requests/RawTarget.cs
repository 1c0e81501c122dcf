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

    /// <summary>
    /// Whether the request's path has a <c>.</c> or <c>..</c> segment (in any mix of literal and percent-encoded dots)
    /// delimited on either side by a separator that is not a literal <c>/</c>: <c>%2F</c>, <c>%5C</c> or <c>\</c>. Such
    /// a segment is none to Kestrel's route match, yet a provider that decodes before it resolves would climb with it.
    /// </summary>
    public static bool HasHiddenDotSegment(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is { } raw && HasHiddenDotSegment(raw);

    /// <inheritdoc cref="HasHiddenDotSegment(HttpContext)"/>
    internal static bool HasHiddenDotSegment(string rawTarget)
    {
        int end = rawTarget.IndexOf('?');
        var path = end < 0 ? rawTarget.AsSpan() : rawTarget.AsSpan(0, end);

        // The common path has no hidden separator at all: one scan, nothing allocated.
        if (path.IndexOf('\\') < 0 && path.IndexOf("%2f", StringComparison.OrdinalIgnoreCase) < 0 && path.IndexOf("%5c", StringComparison.OrdinalIgnoreCase) < 0)
        {
            return false;
        }

        int start = 0;
        bool leftHidden = false;
        for (int i = 0; i <= path.Length;)
        {
            int separator = i == path.Length ? 0 : SeparatorAt(path, i);
            if (i == path.Length || separator > 0)
            {
                bool rightHidden = separator > 1 || (separator == 1 && path[i] == '\\');
                if ((leftHidden || rightHidden) && DotsIn(path[start..i].ToString()) > 0)
                {
                    return true;
                }

                if (i == path.Length)
                {
                    break;
                }

                leftHidden = rightHidden;
                i += separator;
                start = i;
            }
            else
            {
                i++;
            }
        }

        return false;
    }

    /// <summary>The length of the separator at <paramref name="i"/>: 1 for '/' or '\', 3 for %2F or %5C, 0 for none.</summary>
    private static int SeparatorAt(ReadOnlySpan<char> path, int i)
    {
        if (path[i] is '/' or '\\')
        {
            return 1;
        }

        return path[i] == '%' && i + 2 < path.Length
            && ((path[i + 1] == '2' && path[i + 2] is 'f' or 'F') || (path[i + 1] == '5' && path[i + 2] is 'c' or 'C'))
            ? 3
            : 0;
    }

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
            // Kestrel admits only visible ASCII in a request target; anything else is not forwarded verbatim, nor is '#',
            // which a URI would read as the start of a fragment and cut off.
            if (c is <= ' ' or >= (char)0x7F or '#')
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
