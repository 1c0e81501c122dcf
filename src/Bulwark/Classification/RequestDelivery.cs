using System.Net;
using System.Net.Sockets;
using Polly;
using Polly.Timeout;

namespace Bulwark.Classification;

/// <summary>
/// Tells whether a failed operation may have reached the dependency, and whether the dependency may have processed it:
/// what decides if an operation that is not idempotent (<see cref="ReplayCondition"/>) can safely be sent again.
/// </summary>
/// <remarks>
/// <para>
/// Certainly not delivered: a rejection by a resilience strategy (<see cref="ExecutionRejectedException"/>: open breaker,
/// full bulkhead; but not a <see cref="TimeoutRejectedException"/>, which cancels an attempt in flight), a connection that could not be established (<see cref="HttpRequestException"/> or
/// <see cref="SocketException"/> with a refused, unreachable or unresolvable address), and any exception implementing
/// <see cref="IRequestDeliveryInfo"/> that says so. Everything else — a response, a reset or timeout mid-request — may
/// have been delivered.
/// </para>
/// <para>
/// Delivered but certainly not processed: an answer by which the dependency refuses the request — 429 Too Many Requests
/// always, and 503 Service Unavailable when it carries <c>Retry-After</c> (the dependency says when to come back, as a
/// server shedding load does; a 503 without it may come from a proxy after the work began) — as an
/// <see cref="HttpResponseMessage"/> result, an <see cref="HttpRequestException"/> with status 429, or an
/// <see cref="IRequestDeliveryInfo"/> that says so (<see cref="IRequestDeliveryInfo.ProvedNotProcessed"/>).
/// </para>
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

    /// <summary>
    /// Gets a value indicating whether the operation that produced <paramref name="outcome"/> may have been processed by
    /// the dependency: <see langword="false"/> when it was not delivered, or when the dependency's answer refuses it
    /// (<see cref="ProvesNotProcessed(HttpResponseMessage)"/>).
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="outcome">The outcome.</param>
    /// <returns><see langword="false"/> only when the dependency certainly did not process the request.</returns>
    public static bool MayHaveBeenProcessed<TResult>(Outcome<TResult> outcome)
    {
        if (outcome.Exception is { } exception)
        {
            return MayHaveBeenProcessed(exception);
        }

        return outcome.Result is not HttpResponseMessage response || !ProvesNotProcessed(response);
    }

    /// <summary>Gets a value indicating whether the operation that failed with <paramref name="exception"/> may have been processed by the dependency.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="false"/> only when the dependency certainly did not process the request.</returns>
    public static bool MayHaveBeenProcessed(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case IRequestDeliveryInfo info:
                    return info.MayHaveReachedDependency && !info.ProvedNotProcessed;
                case HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests }:
                    // EnsureSuccessStatusCode's: the status alone proves the refusal (a 503 would need its Retry-After, which is gone).
                    return false;
            }
        }

        return MayHaveReachedDependency(exception);
    }

    /// <summary>
    /// Gets a value indicating whether a response proves that the dependency did not process the request: 429, or 503
    /// with a <c>Retry-After</c> header.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <returns><see langword="true"/> when the response refuses the request.</returns>
    public static bool ProvesNotProcessed(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return ProvesNotProcessed((int)response.StatusCode, response.Headers.RetryAfter is not null);
    }

    /// <summary>
    /// Gets a value indicating whether an answer with <paramref name="statusCode"/> proves that the dependency did not
    /// process the request: 429 always; 503 when the answer carries <c>Retry-After</c>.
    /// </summary>
    /// <param name="statusCode">The answer's HTTP status code.</param>
    /// <param name="hasRetryAfter">Whether the answer carries a valid <c>Retry-After</c> header.</param>
    /// <returns><see langword="true"/> when the answer refuses the request.</returns>
    public static bool ProvesNotProcessed(int statusCode, bool hasRetryAfter) =>
        statusCode == StatusCodes.TooManyRequests || (hasRetryAfter && statusCode == StatusCodes.ServiceUnavailable);

    /// <summary>Gets a value indicating whether an operation under <paramref name="condition"/> may be sent again after <paramref name="outcome"/>.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="outcome">The failed attempt's outcome.</param>
    /// <param name="condition">After which failures the operation may be sent again.</param>
    /// <returns><see langword="true"/> when sending it again is safe.</returns>
    public static bool MaySendAgain<TResult>(Outcome<TResult> outcome, ReplayCondition condition) => condition switch
    {
        ReplayCondition.NotProcessed => !MayHaveBeenProcessed(outcome),
        ReplayCondition.NotSent => !MayHaveReachedDependency(outcome),
        _ => true,
    };

    private static bool IsConnectFailure(SocketError error) => error is
        SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or
        SocketError.NetworkUnreachable or SocketError.AddressNotAvailable or SocketError.NoData or SocketError.TryAgain;

    private static class StatusCodes
    {
        public const int TooManyRequests = 429;
        public const int ServiceUnavailable = 503;
    }
}
