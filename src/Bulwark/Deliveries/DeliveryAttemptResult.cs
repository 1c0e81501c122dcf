namespace Bulwark.Deliveries;

/// <summary>What one delivery attempt achieved, as an <see cref="IDeliveryHandler"/> reports it.</summary>
public sealed class DeliveryAttemptResult
{
    private DeliveryAttemptResult(DeliveryState outcome, DeliveryResponse? response, string? error, TimeSpan? retryAfter)
    {
        Outcome = outcome;
        Response = response;
        Error = error;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets what the attempt means for the entry: <see cref="DeliveryState.Delivered"/>, <see cref="DeliveryState.Dead"/> (refused for good) or <see cref="DeliveryState.Pending"/> (try again).</summary>
    public DeliveryState Outcome { get; }

    /// <summary>Gets the dependency's answer, when it gave one.</summary>
    public DeliveryResponse? Response { get; }

    /// <summary>Gets why the attempt failed; never credentials or personal data.</summary>
    public string? Error { get; }

    /// <summary>Gets how long the dependency asked to wait before the next attempt, if it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The dependency accepted the delivery: the entry is delivered and the observers are told.</summary>
    /// <param name="response">Its answer.</param>
    /// <returns>The result.</returns>
    public static DeliveryAttemptResult Delivered(DeliveryResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new(DeliveryState.Delivered, response, null, null);
    }

    /// <summary>The dependency refused the delivery for good (a 400, say): retrying cannot help, so the entry becomes a dead letter.</summary>
    /// <param name="response">Its answer.</param>
    /// <param name="reason">Why, in a few words.</param>
    /// <returns>The result.</returns>
    public static DeliveryAttemptResult Refused(DeliveryResponse response, string reason)
    {
        ArgumentNullException.ThrowIfNull(response);
        return new(DeliveryState.Dead, response, reason, null);
    }

    /// <summary>The attempt failed in a way that may pass: try again after a backoff.</summary>
    /// <param name="error">Why, in a few words.</param>
    /// <param name="retryAfter">How long the dependency asked to wait, if it did.</param>
    /// <returns>The result.</returns>
    public static DeliveryAttemptResult Failed(string error, TimeSpan? retryAfter = null) => new(DeliveryState.Pending, null, error, retryAfter);
}
