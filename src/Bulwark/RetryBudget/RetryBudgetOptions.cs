using System.ComponentModel.DataAnnotations;

namespace Bulwark.RetryBudget;

/// <summary>
/// Configures an Envoy-style retry budget: retries are allowed while the retries in the sliding window stay below
/// <c>max(MinRetriesPerSecond * Window seconds, Ratio * calls in the window)</c>.
/// </summary>
/// <remarks>
/// A budget stops retry storms: when a provider fails for everyone, retries are capped to a share of the traffic
/// instead of multiplying it.
/// </remarks>
public sealed class RetryBudgetOptions
{
    /// <summary>
    /// Gets or sets the share of calls in the window that may be retried.
    /// </summary>
    /// <value>The default is 0.2 (20 %). The value must be greater than 0 and at most 1.</value>
    [Range(0.0, 1.0, MinimumIsExclusive = true)]
    public double Ratio { get; set; } = RetryBudgetConstants.DefaultRatio;

    /// <summary>
    /// Gets or sets the number of retries per second always allowed, whatever the traffic, so that a quiet service still retries.
    /// </summary>
    /// <value>The default is 10. The value must be between 0 and 10000.</value>
    [Range(0, RetryBudgetConstants.MaxMinRetriesPerSecond)]
    public int MinRetriesPerSecond { get; set; } = RetryBudgetConstants.DefaultMinRetriesPerSecond;

    /// <summary>
    /// Gets or sets the length of the sliding window over which calls and retries are counted.
    /// </summary>
    /// <value>The default is 10 seconds. The value must be between 1 second and 1 hour.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Window { get; set; } = RetryBudgetConstants.DefaultWindow;
}
