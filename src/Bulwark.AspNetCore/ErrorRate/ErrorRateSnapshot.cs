namespace Bulwark.AspNetCore.ErrorRate;

/// <summary>The requests seen over the error-rate window.</summary>
/// <param name="ErrorCount">Requests that ended in an error.</param>
/// <param name="SuccessCount">Requests that did not.</param>
/// <param name="Window">The window's length.</param>
public readonly record struct ErrorRateSnapshot(long ErrorCount, long SuccessCount, TimeSpan Window)
{
    /// <summary>Gets the number of requests in the window.</summary>
    public long TotalRequests => ErrorCount + SuccessCount;

    /// <summary>Gets the errors as a percentage of the requests, rounded to 2 decimals; 0 when there were none.</summary>
    public double ErrorRatePercent => TotalRequests == 0 ? 0 : Math.Round(ErrorCount * 100.0 / TotalRequests, 2);
}
