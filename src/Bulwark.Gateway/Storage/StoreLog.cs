namespace Bulwark.Gateway.Storage;

/// <summary>What the gateway says about its store at start-up.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = EventIds.StoreOpenFailedServingWithout, Level = LogLevel.Error, Message = "The store could not be opened and Bulwark:Storage:OnStoreFailure is FailOpen: serving WITHOUT durable features (breaker state is not kept across restarts; deferral routes answer failures instead of deferring). Reason: {Reason}")]
    public static partial void RunningWithoutStore(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.StoreOpened, Level = LogLevel.Information, Message = "Store: {Store}")]
    public static partial void StoreOpened(ILogger logger, string store);

    [LoggerMessage(EventId = EventIds.StoreInMemory, Level = LogLevel.Warning, Message = "The store is in memory: breaker state and deferred deliveries are lost when the process stops. Use it for tests only; production checks refuse it.")]
    public static partial void InMemoryStore(ILogger logger);

    [LoggerMessage(EventId = EventIds.StoreFailedWhileRunning, Level = LogLevel.Critical, Message = "THE STORE FAILED WHILE RUNNING ({Reason}): deferrals are refused with 503 from now on and /health/ready reports the store unhealthy. {Detail}")]
    public static partial void StoreFailed(ILogger logger, string reason, string detail);

    [LoggerMessage(EventId = EventIds.StoreRescueOutcome, Level = LogLevel.Critical, Message = "The failed store's acknowledged entries: {Outcome}")]
    public static partial void RescueOutcome(ILogger logger, string outcome);

    [LoggerMessage(EventId = EventIds.StoreIntegrityCheckFailed, Level = LogLevel.Warning, Message = "The store's periodic integrity check could not run ({Reason}); it is tried again at the next interval")]
    public static partial void IntegrityCheckFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = EventIds.StoreFileCheckOff, Level = LogLevel.Warning, Message = "SQLite's file identity check (sqlite3_file_control) is not available on this platform: a store file replaced under the running gateway is not detected, only a deleted one")]
    public static partial void FileCheckOff(ILogger logger);
}
