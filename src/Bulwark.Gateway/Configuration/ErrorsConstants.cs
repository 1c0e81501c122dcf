namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and bounds of <c>Bulwark:Errors</c> and of the error intake endpoint.</summary>
internal static class ErrorsConstants
{
    /// <summary>The engine's default (<c>ErrorMonitorOptions.MaxFingerprints</c>).</summary>
    public const int DefaultMaxFingerprints = 10_000;

    public const int DefaultIntakeRequestsPerMinute = 600;
    public const int MaxIntakeRequestsPerMinute = 100_000;

    /// <summary>The largest body <c>POST /bulwark/errors</c> reads: 16 KiB.</summary>
    public const int MaxIntakeBodyBytes = 16 * 1024;
}
