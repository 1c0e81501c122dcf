using Bulwark.Backoff;

namespace Bulwark.Deliveries;

/// <summary>The delay between delivery attempts: exponential from <see cref="DeliveryOptions.BaseDelay"/>, equal jitter, capped at <see cref="DeliveryOptions.MaxDelay"/>.</summary>
internal static class DeliveryBackoff
{
    public static BackoffCalculator Create(DeliveryOptions options) =>
        new(BackoffType.Exponential, JitterMode.Equal, options.BaseDelay, options.MaxDelay, randomSource: options.RandomSource);
}
