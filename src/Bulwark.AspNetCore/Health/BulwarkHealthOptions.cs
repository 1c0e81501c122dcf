namespace Bulwark.AspNetCore.Health;

/// <summary>Options of Bulwark's health endpoints.</summary>
public sealed class BulwarkHealthOptions
{
    /// <summary>
    /// Gets or sets the error rate, in percent, at or above which <c>/health</c> and <c>/health/error-rate</c> report
    /// <c>degraded</c>. A high error rate never makes the application unhealthy: every instance behind a load balancer sees
    /// the same failing dependencies, so pulling instances out would not help.
    /// </summary>
    /// <value>Defaults to 5. Range greater than 0 up to 100.</value>
    public double ErrorRateDegradedPercent { get; set; } = BulwarkHealthConstants.DefaultErrorRateDegradedPercent;

    /// <summary>Gets or sets how many requests the window must hold before the error rate can report <c>degraded</c>.</summary>
    /// <value>Defaults to 20. Range 1 to 1,000,000.</value>
    public int ErrorRateMinimumRequests { get; set; } = BulwarkHealthConstants.DefaultErrorRateMinimumRequests;

    /// <summary>
    /// Gets or sets the sampling interval of the rates computed from two readings: bulkhead rejections per second and CPU
    /// percent. Each rate is measured from an earlier reading to now; the earlier reading is replaced once it is at least this
    /// old, so a rate covers between this interval and the time since the previous health request (whichever is longer).
    /// </summary>
    /// <value>Defaults to 10 seconds. Range 100 ms to 1 hour.</value>
    public TimeSpan RateSampleInterval { get; set; } = BulwarkHealthConstants.DefaultRateSampleInterval;
}
