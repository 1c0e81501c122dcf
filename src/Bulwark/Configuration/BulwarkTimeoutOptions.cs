namespace Bulwark.Configuration;

/// <summary>Timeouts of a named pipeline, run by Polly's timeout strategy.</summary>
public class BulwarkTimeoutOptions
{
    /// <summary>Gets or sets the limit on one attempt (innermost); a timed-out attempt is a transient failure.</summary>
    /// <value>Defaults to <see langword="null"/> (none). Range 1 ms to 1 day; must be less than <see cref="Total"/>.</value>
    public TimeSpan? Attempt { get; set; }

    /// <summary>Gets or sets the limit on the whole call, retries and backoff delays included (outermost).</summary>
    /// <value>Defaults to <see langword="null"/> (none). Range 1 ms to 1 day.</value>
    public TimeSpan? Total { get; set; }
}
