namespace Bulwark.Deliveries;

/// <summary>How an attempt ended, as a dispatcher records it in the store.</summary>
public sealed record DeliveryCompletion
{
    private DeliveryCompletion(DeliveryState state, DateTimeOffset at, DateTimeOffset? nextAttemptAt, string? error, DeliveryResponse? response)
    {
        State = state;
        At = at;
        NextAttemptAt = nextAttemptAt;
        Error = error;
        Response = response;
    }

    /// <summary>Gets the entry's new state: <see cref="DeliveryState.Pending"/> (retry), <see cref="DeliveryState.Delivered"/> or <see cref="DeliveryState.Dead"/>.</summary>
    public DeliveryState State { get; }

    /// <summary>Gets when the attempt ended.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Gets when to try again, for a retry.</summary>
    public DateTimeOffset? NextAttemptAt { get; }

    /// <summary>Gets why the attempt failed or the entry died.</summary>
    public string? Error { get; }

    /// <summary>Gets the dependency's answer, when there was one.</summary>
    public DeliveryResponse? Response { get; }

    /// <summary>The dependency accepted the delivery.</summary>
    /// <param name="at">When.</param>
    /// <param name="response">Its answer.</param>
    /// <returns>The completion.</returns>
    public static DeliveryCompletion Delivered(DateTimeOffset at, DeliveryResponse response) => new(DeliveryState.Delivered, at, null, null, response);

    /// <summary>The attempt failed; try again later.</summary>
    /// <param name="at">When.</param>
    /// <param name="nextAttemptAt">When to try again.</param>
    /// <param name="error">Why it failed.</param>
    /// <returns>The completion.</returns>
    public static DeliveryCompletion Retry(DateTimeOffset at, DateTimeOffset nextAttemptAt, string error) => new(DeliveryState.Pending, at, nextAttemptAt, error, null);

    /// <summary>Give up: the entry becomes a dead letter.</summary>
    /// <param name="at">When.</param>
    /// <param name="error">Why.</param>
    /// <param name="response">The dependency's final refusal, if it answered.</param>
    /// <returns>The completion.</returns>
    public static DeliveryCompletion Dead(DateTimeOffset at, string error, DeliveryResponse? response = null) => new(DeliveryState.Dead, at, null, error, response);
}
