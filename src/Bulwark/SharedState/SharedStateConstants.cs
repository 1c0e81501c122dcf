namespace Bulwark.SharedState;

/// <summary>Defaults and bounds of shared state.</summary>
internal static class SharedStateConstants
{
    public static readonly TimeSpan DefaultProbeGrace = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan MaxProbeGrace = TimeSpan.FromMinutes(5);

    public const int MaxInstanceIdLength = 100;

    public static readonly TimeSpan ReconnectInterval = TimeSpan.FromSeconds(5);
}
