namespace Bulwark;

/// <summary>
/// Every log event id of the engine, in one place so that none is used twice. Ranges by assembly: Bulwark 1000–1999,
/// Bulwark.Gateway 2000–2999 and 3000–3099, 3200–3499, Bulwark.AspNetCore 3100–3199, 4000–4099 and 5000–5099.
/// </summary>
internal static class EventIds
{
    // Pipelines from configuration: 1001–1099.
    public const int PipelineConfigurationWarning = 1001;

    // Circuit breaker state persistence: 1101–1199.
    public const int BreakerStatesRestored = 1101;
    public const int BreakerRestoredOpen = 1102;
    public const int BreakerRestoreRejected = 1103;
    public const int BreakerSaveFailed = 1104;
    public const int BreakerRestoreFailed = 1105;

    // Deferred deliveries: 1201–1299.
    public const int DeliveryDelivered = 1201;
    public const int DeliveryAttemptFailed = 1202;
    public const int DeliveryDead = 1203;
    public const int DeliveryLeaseLost = 1204;
    public const int DeliveryStuckReturned = 1205;
    public const int DeliveryPassFailed = 1206;
    public const int DeliveryRecordFailed = 1207;
    public const int DeliveryObserverFailed = 1208;
    public const int DeliveryDeadOwnerReclaimed = 1209;

    // Circuit breaker state shared by a fleet: 1401–1499.
    public const int SharedBreakerPublished = 1401;
    public const int SharedBreakerPublishFailed = 1402;
    public const int SharedBreakerApplied = 1403;
    public const int SharedBreakerApplyRejected = 1404;
    public const int SharedBreakerConnectFailed = 1405;
    public const int SharedBreakerStatesLoaded = 1406;
    public const int SharedBreakerFleetTripped = 1407;
}
