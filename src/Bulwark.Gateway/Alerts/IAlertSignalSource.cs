namespace Bulwark.Gateway.Alerts;

/// <summary>
/// One kind of condition the gateway watches (error patterns, breakers, bulkheads, dead letters, the store, budgets). The
/// alert engine asks every registered source at each evaluation (<c>Bulwark:Alerts:EvaluationInterval</c>) for what holds
/// now. A source that needs a slower cadence (the error pattern detector evaluates once per its own interval) returns its
/// last result in between. Registered in DI as <c>IAlertSignalSource</c> (several).
/// </summary>
internal interface IAlertSignalSource
{
    /// <summary>Gets the signals that hold at <paramref name="now"/>. Called from one thread at a time; must not block on I/O for long.</summary>
    /// <param name="now">The evaluation time, from the gateway's <see cref="TimeProvider"/>.</param>
    /// <param name="cancellationToken">Cancels the evaluation (shutdown).</param>
    /// <returns>The signals; empty when nothing holds.</returns>
    ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
