using Bulwark.Classification;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Forwarding;

/// <summary>Everything one client request carries through its attempts.</summary>
internal sealed class ForwardingRequest
{
    public ForwardingRequest(HttpContext context, GatewayRoute route, string correlationId, ReplayCondition replay, bool bodyBuffered, bool bodyStreamed)
    {
        Context = context;
        Route = route;
        CorrelationId = correlationId;
        Replay = replay;
        BodyBuffered = bodyBuffered;
        BodyStreamed = bodyStreamed;
        PathAndQuery = RawTarget.PathAndQuery(context);
    }

    public HttpContext Context { get; }

    public GatewayRoute Route { get; }

    public string CorrelationId { get; }

    /// <summary>Gets after which failures the request may be sent again: any (idempotent), those proving it was not processed (a write), or those before it was sent (a streamed body).</summary>
    public ReplayCondition Replay { get; }

    /// <summary>Gets a value indicating whether the body was buffered and can be re-sent from the start.</summary>
    public bool BodyBuffered { get; }

    /// <summary>Gets a value indicating whether the body is too large to buffer and streams once.</summary>
    public bool BodyStreamed { get; }

    /// <summary>Gets the client's path and query as sent (dot-segments resolved), or <see langword="null"/> to let the forwarder build them.</summary>
    public string? PathAndQuery { get; }

    /// <summary>Gets or sets the number of attempts sent so far.</summary>
    public int Attempts { get; set; }

    /// <summary>Gets or sets a value indicating whether a streamed body has been (even partly) read by an attempt.</summary>
    public bool BodyConsumed { get; set; }

    /// <summary>Gets, per provider of the route (by index), until when it last asked to be left alone (its Retry-After), if it did.</summary>
    public DateTimeOffset?[]? RetryAfterUntil { get; private set; }

    /// <summary>Notes a provider's Retry-After; the latest answer of a provider is what it means now.</summary>
    public void NoteRetryAfter(int providerIndex, DateTimeOffset until)
    {
        // Allocated only when a provider says Retry-After: nothing on the usual path.
        RetryAfterUntil ??= new DateTimeOffset?[Route.Providers.Count];
        RetryAfterUntil[providerIndex] = until;
    }
}
