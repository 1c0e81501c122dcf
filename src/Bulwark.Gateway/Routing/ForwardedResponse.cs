namespace Bulwark.Gateway.Routing;

/// <summary>An upstream response the gateway committed to the client (status and headers sent, body streamed).</summary>
/// <param name="StatusCode">The upstream status.</param>
/// <param name="Broken">The body stream failed after the response had started: the client connection is aborted.</param>
internal sealed record ForwardedResponse(int StatusCode, bool Broken) : Bulwark.Outcomes.IHttpStatusResult;
