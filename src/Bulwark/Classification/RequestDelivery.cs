using System.Net.Sockets;
using Polly;
using Polly.Timeout;

namespace Bulwark.Classification;

/// <summary>
/// Tells whether a failed operation may have reached the dependency: what decides if a non-replayable operation
/// (<see cref="BulwarkResilienceProperties.Replayable"/>) can safely be sent again.
/// </summary>
/// <remarks>
/// Certainly not delivered: a rejection by a resilience strategy (<see cref="ExecutionRejectedException"/>: open breaker,
/// full bulkhead; but not a <see cref="TimeoutRejectedException"/>, which cancels an attempt in flight), a connection that could not be established (<see cref="HttpRequestException"/> or
/// <see cref="SocketException"/> with a refused, unreachable or unresolvable address), and any exception implementing
/// <see cref="IRequestDeliveryInfo"/> that says so. Everything else — a response, a reset or timeout mid-request — may
/// have been delivered.
/// </remarks>
public static class RequestDelivery
{
    /// <summary>Gets a value indicating whether the operation that produced <paramref name="outcome"/> may have reached the dependency.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="outcome">The outcome.</param>
    /// <returns><see langword="false"/> only when the request certainly was not delivered.</returns>
    public static bool MayHaveReachedDependency<TResult>(Outcome<TResult> outcome) =>
        outcome.Exception is not { } exception || MayHaveReachedDependency(exception);

    /// <summary>Gets a value indicating whether the operation that failed with <paramref name="exception"/> may have reached the dependency.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="false"/> only when the request certainly was not delivered.</returns>
    public static bool MayHaveReachedDependency(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case IRequestDeliveryInfo info:
                    return info.MayHaveReachedDependency;
                case TimeoutRejectedException:
                    return true; // the attempt was cancelled while in flight
                case ExecutionRejectedException:
                    return false;
                case SocketException socket when IsConnectFailure(socket.SocketErrorCode):
                    return false;
            }
        }

        return true;
    }

    private static bool IsConnectFailure(SocketError error) => error is
        SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or
        SocketError.NetworkUnreachable or SocketError.AddressNotAvailable or SocketError.NoData or SocketError.TryAgain;
}
