using Bulwark.Gateway.Problems;
using Bulwark.Gateway.Requests;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// What the gateway checks of a request's HTTP/1.1 framing and target after Kestrel has parsed it, before anything else
/// runs: the cases Kestrel accepts but a gateway must not (RFC 9112 6.1, 6.3), and a target that would leave its route
/// at a provider that decodes before it resolves dot-segments.
/// </summary>
internal static class RequestFraming
{
    /// <summary>Kestrel's record of a Content-Length it dropped because Transfer-Encoding came with it.</summary>
    private const string DroppedContentLength = "X-Content-Length";

    public static Task CheckAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Request.Headers;

        // Content-Length and Transfer-Encoding together: the classic request-smuggling shape. Kestrel frames by
        // Transfer-Encoding, drops Content-Length and keeps its value as X-Content-Length; a server "ought to handle
        // it as an error" and MUST close the connection after answering (RFC 9112 6.1, 6.3): refused, never forwarded.
        if (headers.TransferEncoding.Count > 0 && headers.ContainsKey(DroppedContentLength))
        {
            context.Response.Headers.Connection = "close";
            return GatewayProblem.BadRequestFraming(
                RequestCorrelation.IdOf(context.Request),
                "The request has both Content-Length and Transfer-Encoding, so its length is ambiguous; it was refused and nothing was sent to a provider.")
                .WriteAsync(context, 0);
        }

        // The raw target goes to the provider as sent. Kestrel resolved dot-segments between literal slashes for the
        // route match, but "..%2F" or "..\" were no segments to it: a provider that decodes first would climb out.
        if (RawTarget.HasHiddenDotSegment(context))
        {
            return GatewayProblem.BadRequestTarget(RequestCorrelation.IdOf(context.Request)).WriteAsync(context, 0);
        }

        return next(context);
    }
}
