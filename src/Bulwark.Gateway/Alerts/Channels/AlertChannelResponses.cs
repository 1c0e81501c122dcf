using System.Globalization;
using System.Net;
using System.Text;
using Bulwark.Deliveries;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>How a receiver's HTTP answer decides a delivery: 2xx delivered; 408, 429 and 5xx retried (after its Retry-After); any other status dead-lettered.</summary>
internal static class AlertChannelResponses
{
    private const int MaxKeptBodyBytes = 1024;

    /// <summary>A response made by the channel itself (nothing was sent, or SMTP answered).</summary>
    public static DeliveryResponse Local(int status, string text) => new(status, "text/plain", Encoding.UTF8.GetBytes(text));

    public static async Task<DeliveryAttemptResult> ClassifyAsync(HttpResponseMessage response, string destination, TimeProvider time, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return DeliveryAttemptResult.Delivered(await KeepAsync(response, cancellationToken).ConfigureAwait(false));
        }

        if (IsTransient(response.StatusCode))
        {
            return DeliveryAttemptResult.Failed($"{destination} answered {status}", RetryAfter(response, time));
        }

        return DeliveryAttemptResult.Refused(await KeepAsync(response, cancellationToken).ConfigureAwait(false), $"{destination} refused the notification with {status}");
    }

    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>The receiver's Retry-After as a delay (seconds or a date), or <see langword="null"/>.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        if (response.Headers.RetryAfter is not { } retryAfter)
        {
            return null;
        }

        if (retryAfter.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>A connection that failed before any answer: retried.</summary>
    public static DeliveryAttemptResult Unreachable(string destination, Exception e) =>
        DeliveryAttemptResult.Failed(string.Create(CultureInfo.InvariantCulture, $"{destination} could not be reached: {e.GetType().Name}: {e.Message}"));

    private static async Task<DeliveryResponse> KeepAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        bool truncated = body.Length > MaxKeptBodyBytes;
        return new DeliveryResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), truncated ? body.AsMemory(0, MaxKeptBodyBytes) : body, truncated);
    }
}
