using Bulwark.Failover;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Problems;

/// <summary>
/// What a request no provider served leaves for the problem that answers it: the route, every attempt with the outcome
/// the engine computed for it, and what the gateway itself saw around them.
/// </summary>
/// <param name="Route">The route the request took.</param>
/// <param name="CorrelationId">The request's correlation id.</param>
/// <param name="Replayable">Whether the request could be sent again after any failure (idempotent); otherwise only after one that proves no provider processed it.</param>
/// <param name="Attempts">Every attempt, in order, with its <see cref="FailoverAttempt.Outcome"/>.</param>
/// <param name="DeadlineExpired">Whether the route's timeout ran out.</param>
/// <param name="ClientBodyStatus">The status the client's own body calls for (400, 408, 413) when reading it broke mid-way; otherwise <see langword="null"/>.</param>
/// <param name="LastHint">The wait the last failure announced itself (a provider's Retry-After, a breaker's remaining break), if any.</param>
/// <param name="RetryAfterUntil">Per provider of the route (by index), until when it asked during this request to be left alone, if it did.</param>
/// <param name="BodyStreamed">Whether the request's body was too large to keep and was streamed once: no key makes such a request replayable.</param>
internal sealed record ForwardingFailure(
    GatewayRoute Route,
    string CorrelationId,
    bool Replayable,
    IReadOnlyList<FailoverAttempt> Attempts,
    bool DeadlineExpired,
    int? ClientBodyStatus,
    TimeSpan? LastHint,
    IReadOnlyList<DateTimeOffset?>? RetryAfterUntil,
    bool BodyStreamed = false);
