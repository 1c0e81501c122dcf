namespace Bulwark.AspNetCore.Telemetry;

/// <summary>The names under which Bulwark publishes metrics and traces.</summary>
public static class BulwarkTelemetry
{
    /// <summary>The name of Bulwark's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>Bulwark</c>.</summary>
    public const string MeterName = "Bulwark";

    /// <summary>The name of Bulwark's <see cref="System.Diagnostics.ActivitySource"/>: <c>Bulwark</c>.</summary>
    public const string ActivitySourceName = "Bulwark";

    /// <summary>The meter of Polly's own resilience events (<c>resilience.polly.strategy.events</c>, ...): <c>Polly</c>.</summary>
    public const string PollyMeterName = "Polly";
}
