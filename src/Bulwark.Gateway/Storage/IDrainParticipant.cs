namespace Bulwark.Gateway.Storage;

/// <summary>
/// Work to finish during a graceful shutdown once every request in flight has finished or been cancelled, before the
/// process exits: the hook for flushing circuit breaker snapshots and deferred-delivery state to a store.
/// </summary>
/// <remarks>
/// Nothing implements this yet: the gateway has no store. Register an implementation as a singleton
/// <see cref="IDrainParticipant"/>; participants run one after another, in registration order, within the host's
/// shutdown timeout.
/// </remarks>
internal interface IDrainParticipant
{
    /// <summary>Finishes the participant's work; <paramref name="cancellationToken"/> fires when the host stops waiting.</summary>
    Task DrainAsync(CancellationToken cancellationToken);
}
