namespace Bulwark.RetryBudget;

/// <summary>
/// Default values and ranges of <see cref="RetryBudgetOptions"/>.
/// </summary>
internal static class RetryBudgetConstants
{
    /// <summary>The default share of calls that may be retried: 0.2.</summary>
    public const double DefaultRatio = 0.2;

    /// <summary>The default number of retries per second always allowed: 10.</summary>
    public const int DefaultMinRetriesPerSecond = 10;

    /// <summary>The largest allowed <see cref="RetryBudgetOptions.MinRetriesPerSecond"/>: 10000.</summary>
    public const int MaxMinRetriesPerSecond = 10_000;

    /// <summary>The number of buckets the window is split into.</summary>
    public const int BucketCount = 10;

    /// <summary>Gets the default window: 10 seconds.</summary>
    public static TimeSpan DefaultWindow { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets the smallest allowed window: 1 second.</summary>
    public static TimeSpan MinWindow { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the largest allowed window: 1 hour.</summary>
    public static TimeSpan MaxWindow { get; } = TimeSpan.FromHours(1);
}
