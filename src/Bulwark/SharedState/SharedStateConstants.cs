namespace Bulwark.SharedState;

/// <summary>Defaults and bounds of shared state.</summary>
internal static class SharedStateConstants
{
    public static readonly TimeSpan DefaultProbeGrace = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxProbeGrace = TimeSpan.FromMinutes(5);

    public const int MaxInstanceIdLength = 100;

    public static readonly TimeSpan ReconnectInterval = TimeSpan.FromSeconds(5);

    /// <summary>How soon the states are read again when the read after a reconnection failed.</summary>
    public static readonly TimeSpan ReloadRetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long the other instances' runs of failures, as last heard, may open a breaker without a fresh report.</summary>
    public static readonly TimeSpan OthersRunFreshness = TimeSpan.FromSeconds(1);
}
