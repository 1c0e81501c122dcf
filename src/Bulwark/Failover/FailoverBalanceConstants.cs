namespace Bulwark.Failover;

internal static class FailoverBalanceConstants
{
    public const double DefaultSuccessWeight = 1;
    public const double DefaultLatencyWeight = 0.5;
    public const double MaxWeight = 100;
    public const double DefaultDecay = 0.98;
    public static readonly TimeSpan DefaultLatencyGoal = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MinLatencyGoal = TimeSpan.FromMilliseconds(1);
    public static readonly TimeSpan MaxLatencyGoal = TimeSpan.FromDays(1);
}
