namespace Bulwark.AspNetCore.Health;

internal static class BulwarkHealthConstants
{
    public const double DefaultErrorRateDegradedPercent = 5;

    public const int DefaultErrorRateMinimumRequests = 20;

    public const string SelfCheck = "self";

    public const string ConfigurationCheck = "configuration";

    public const string DrainingCheck = "draining";

    public const string CircuitBreakersCheck = "circuit_breakers";

    public const string BulkheadsCheck = "bulkheads";

    public const string ErrorRateCheck = "error_rate";

    public const string ProvidersCheck = "providers";

    public const string DataKey = "bulwark";

    public static readonly TimeSpan DefaultRateSampleInterval = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MinRateSampleInterval = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxRateSampleInterval = TimeSpan.FromHours(1);
}
