using System.Globalization;
using System.Net.Http.Headers;
using Polly;
using Polly.CircuitBreaker;

namespace Bulwark.Classification;

/// <summary>
/// Reads how long to wait before trying again: the HTTP <c>Retry-After</c> header (delta-seconds or HTTP-date),
/// Polly's <see cref="BrokenCircuitException.RetryAfter"/>, or an <see cref="IRetryAfterProvider"/>.
/// </summary>
/// <remarks>
/// An HTTP-date is converted to a delay relative to the time given by the caller (use <see cref="TimeProvider.GetUtcNow"/>);
/// a date in the past means "now" (<see cref="TimeSpan.Zero"/>). Delays are never negative.
/// </remarks>
public static class RetryAfterParser
{
    /// <summary>
    /// Parses a <c>Retry-After</c> header value.
    /// </summary>
    /// <param name="value">Delta-seconds (<c>120</c>) or an HTTP-date (<c>Wed, 21 Oct 2015 07:28:00 GMT</c>).</param>
    /// <param name="now">The current time, to turn a date into a delay.</param>
    /// <param name="delay">The delay, when the value is valid; a huge delta-seconds saturates to <see cref="TimeSpan.MaxValue"/>.</param>
    /// <returns><see langword="true"/> when the value is valid.</returns>
    public static bool TryParse(string? value, DateTimeOffset now, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        var span = value.AsSpan().Trim();
        if (span.IsEmpty)
        {
            return false;
        }

        if (IsDigits(span))
        {
            delay = ulong.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= (ulong)TimeSpan.MaxValue.TotalSeconds
                ? TimeSpan.FromSeconds((long)seconds)
                : TimeSpan.MaxValue;
            return true;
        }

        // Accepts the IMF-fixdate and the two obsolete formats HTTP still allows.
        if (RetryConditionHeaderValue.TryParse(span.ToString(), out var header) && header.Date is { } date)
        {
            delay = FromDate(date, now);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Reads the <c>Retry-After</c> header of a response.
    /// </summary>
    /// <param name="response">The response.</param>
    /// <param name="now">The current time, to turn a date into a delay.</param>
    /// <param name="delay">The delay, when the response has a valid header.</param>
    /// <returns><see langword="true"/> when the response has a valid <c>Retry-After</c> header.</returns>
    public static bool TryGetRetryAfter(HttpResponseMessage response, DateTimeOffset now, out TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(response);

        delay = TimeSpan.Zero;
        switch (response.Headers.RetryAfter)
        {
            case { Delta: { } delta }:
                delay = delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
                return true;

            case { Date: { } date }:
                delay = FromDate(date, now);
                return true;

            default:
                return false;
        }
    }

    /// <summary>
    /// Reads the retry-after delay an exception carries: <see cref="BrokenCircuitException.RetryAfter"/> or
    /// <see cref="IRetryAfterProvider.RetryAfter"/>.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <param name="delay">The delay, when the exception carries one.</param>
    /// <returns><see langword="true"/> when the exception carries a delay.</returns>
    public static bool TryGetRetryAfter(Exception exception, out TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(exception);

        var retryAfter = exception switch
        {
            BrokenCircuitException broken => broken.RetryAfter,
            IRetryAfterProvider provider => provider.RetryAfter,
            _ => null,
        };

        delay = retryAfter is { } value && value > TimeSpan.Zero ? value : TimeSpan.Zero;
        return retryAfter.HasValue;
    }

    /// <summary>
    /// Reads the retry-after delay of an outcome: from its exception, or from its result when that is an
    /// <see cref="HttpResponseMessage"/> or an <see cref="IRetryAfterProvider"/>.
    /// </summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="outcome">The outcome.</param>
    /// <param name="timeProvider">The clock, read only for an HTTP-date.</param>
    /// <param name="delay">The delay, when the outcome carries one.</param>
    /// <returns><see langword="true"/> when the outcome carries a delay.</returns>
    public static bool TryGetRetryAfter<TResult>(Outcome<TResult> outcome, TimeProvider timeProvider, out TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);

        if (outcome.Exception is { } exception)
        {
            return TryGetRetryAfter(exception, out delay);
        }

        switch (outcome.Result)
        {
            case HttpResponseMessage response when response.Headers.RetryAfter is not null:
                return TryGetRetryAfter(response, timeProvider.GetUtcNow(), out delay);

            case IRetryAfterProvider { RetryAfter: { } retryAfter }:
                delay = retryAfter > TimeSpan.Zero ? retryAfter : TimeSpan.Zero;
                return true;

            default:
                delay = TimeSpan.Zero;
                return false;
        }
    }

    private static TimeSpan FromDate(DateTimeOffset date, DateTimeOffset now)
    {
        var delay = date - now;
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    private static bool IsDigits(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
