namespace Bulwark.AspNetCore.ErrorRate;

internal static class BulwarkErrorRateConstants
{
    public const int DefaultBucketCount = 30;

    public const int MinBucketCount = 1;

    public const int MaxBucketCount = 3600;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan MinWindow = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(1);

    public static bool DefaultIsError(int statusCode) => statusCode >= 500;
}
