namespace Bulwark.AspNetCore.ProviderHealth;

/// <summary>Tunes <see cref="ProviderStatisticsRegistry"/>. Bound from <c>Bulwark:Telemetry:ProviderHealth</c> by <c>AddBulwarkTelemetry</c>.</summary>
public sealed class ProviderHealthOptions
{
    /// <summary>Gets or sets how many recent attempts per provider the percentiles and the error rate are computed over (a ring buffer).</summary>
    /// <value>Default 1,024; range 1–1,048,576.</value>
    public int WindowSize { get; set; } = ProviderHealthConstants.WindowSize;
}
