using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore;

/// <summary>
/// Every log event id of Bulwark.AspNetCore, in one place so that none is used twice. Ranges by assembly: Bulwark
/// 1000–1999, Bulwark.Gateway 2000–2999, 3000–3099 and 3200–3499, Bulwark.AspNetCore 3100–3199, 4000–4099 and 5000–5099.
/// </summary>
internal static class EventIds
{
    // Request logs and log output: 3101–3199.
    public const int RequestCompleted = 3101;
    public const int AttemptCompleted = 3102;
    public const int LogLinesDropped = 3103;
    public const int RedactionWarmUpFailed = 3104;
    public const int CorrelationIdRefused = 3105;

    // Anomaly detection and provider health: 4001–4099.
    public const int ProviderDegraded = 4001;
    public const int ProviderRecovered = 4002;
    public const int ProviderRebaselined = 4003;

    // Admin API: 5001–5099.
    public const int AdminBreakerChanged = 5001;
    public const int AdminUnauthorized = 5002;

    public static readonly EventId RequestCompletedId = new(RequestCompleted, nameof(RequestCompleted));
    public static readonly EventId LogLinesDroppedId = new(LogLinesDropped, nameof(LogLinesDropped));
}
