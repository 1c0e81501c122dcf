namespace Bulwark.ErrorMonitoring.Detection;

/// <summary>How many requests were served in the windows the error rate is computed over; the caller counts them.</summary>
/// <param name="LastMinute">Requests in the last minute, failed ones included.</param>
/// <param name="Last5Minutes">Requests in the last 5 minutes, failed ones included.</param>
public readonly record struct RequestCounts(long LastMinute, long Last5Minutes);
