namespace Bulwark.Classification;

/// <summary>
/// After which failures an operation may be sent to a dependency again (retried, or failed over to another one): what
/// <see cref="BulwarkResilienceProperties.Replay"/> and <see cref="Failover.FailoverExecutor{TResult}"/> take.
/// </summary>
public enum ReplayCondition
{
    /// <summary>After any failure: the operation is idempotent (a GET, a PUT, a request with an idempotency key), so a repeat changes nothing.</summary>
    Always = 0,

    /// <summary>
    /// Only after a failure that proves the dependency did not process it (<see cref="RequestDelivery.MayHaveBeenProcessed(Exception)"/>
    /// is <see langword="false"/>): it was never sent (a refused connection, a breaker's or bulkhead's rejection), or the
    /// dependency refused it (429 Too Many Requests; 503 with Retry-After). For a non-idempotent write, such as a POST
    /// without an idempotency key.
    /// </summary>
    NotProcessed = 1,

    /// <summary>
    /// Only after a failure before anything was sent (<see cref="RequestDelivery.MayHaveReachedDependency(Exception)"/> is
    /// <see langword="false"/>): for an operation whose input can be read only once, such as a request body streamed
    /// through without being buffered, which cannot be sent again once any of it left, whatever the dependency answered.
    /// </summary>
    NotSent = 2,
}
