using Polly;

namespace Bulwark;

/// <summary>Keys of <see cref="ResilienceContext.Properties"/> that Bulwark's strategies read.</summary>
public static class BulwarkResilienceProperties
{
    /// <summary>
    /// Whether the operation may be sent again once it may have reached the dependency. Set it to <see langword="false"/>
    /// for a non-idempotent write (a POST without an idempotency key): Bulwark's retry and failover then repeat it only
    /// after failures that certainly never reached the dependency, such as a refused connection or a breaker's or
    /// bulkhead's rejection (<see cref="Classification.RequestDelivery"/>). Absent means <see langword="true"/>.
    /// </summary>
    public static readonly ResiliencePropertyKey<bool> Replayable = new("Bulwark.Replayable");

    internal static bool IsReplayable(ResilienceContext context) =>
        !context.Properties.TryGetValue(Replayable, out bool replayable) || replayable;
}
