namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and ranges of budgets (<c>Bulwark:Budgets</c>).</summary>
internal static class BudgetsConstants
{
    public const int DefaultMaxOutputTokens = 4096;

    public const int MaxOutputTokensLimit = 1_000_000;

    public const double DefaultWarning = 0.80;

    public const double DefaultCritical = 0.95;

    public static readonly TimeSpan MinWindow = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(90);

    /// <summary>How many steps a rolling window's spend ages out in.</summary>
    public const int RollingBuckets = 60;

    /// <summary>The longest budget name: letters, digits, <c>-</c>, <c>_</c>, <c>.</c>.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The time zone of calendar periods when none is set.</summary>
    public const string DefaultTimeZone = "UTC";
}
