namespace Bulwark.AspNetCore.ErrorRate;

/// <summary>Options of the error-rate tracking behind <c>UseBulwarkErrorRate()</c> and <c>/health/error-rate</c>.</summary>
public sealed class BulwarkErrorRateOptions
{
    /// <summary>Gets or sets how far back the error rate looks.</summary>
    /// <value>Defaults to 5 minutes. Range 1 second to 1 day.</value>
    public TimeSpan Window { get; set; } = BulwarkErrorRateConstants.DefaultWindow;

    /// <summary>
    /// Gets or sets how many buckets the window is cut into. The window slides one bucket at a time, so it covers between
    /// <c>Window × (BucketCount − 1) / BucketCount</c> and <see cref="Window"/>; more buckets slide more smoothly.
    /// </summary>
    /// <value>Defaults to 30 (10-second buckets for the default window). Range 1 to 3,600.</value>
    public int BucketCount { get; set; } = BulwarkErrorRateConstants.DefaultBucketCount;

    /// <summary>Gets or sets which response status codes count as errors; every other completed response is a success.</summary>
    /// <value>Defaults to any 5xx status (500 to 599). A request that throws counts as an error, unless the client went away.</value>
    public Func<int, bool> IsError { get; set; } = BulwarkErrorRateConstants.DefaultIsError;
}
