namespace Bulwark.Gateway;

/// <summary>
/// Every log event id of the gateway, in one place so that none is used twice. Ranges by assembly: Bulwark 1000–1999,
/// Bulwark.Gateway 2000–2999, 3000–3099 and 3200–3899, Bulwark.AspNetCore 3100–3199, 4000–4099 and 5000–5099.
/// </summary>
internal static class EventIds
{
    // Forwarding: 2001–2099.
    public const int RequestFailed = 2001;
    public const int ResponseStreamBroke = 2002;
    public const int ClientWentAway = 2003;
    public const int ClientBodyRefused = 2004;
    public const int FallbackServed = 2005;

    // Circuit breakers' transitions and uploads: 2040–2059.
    public const int BreakerStopped = 2040;
    public const int BreakerChanged = 2041;
    public const int SpoolRefused = 2050;
    public const int SpoolSwept = 2051;
    public const int SpoolSweepFailed = 2052;
    public const int MultipartAborted = 2055;
    public const int MultipartAbortFailed = 2056;

    // Start-up: 2101–2199.
    public const int Listening = 2101;
    public const int ConfigurationLoaded = 2102;

    // The operator page: 2901–2999.
    public const int DashboardSignedIn = 2901;
    public const int DashboardSignInRefused = 2902;
    public const int DashboardSignedOut = 2903;
    public const int DashboardBreakerChanged = 2904;

    // Graceful shutdown: 3001–3099.
    public const int DrainStarted = 3001;
    public const int StoppedListening = 3002;
    public const int Drained = 3003;
    public const int DrainTimedOut = 3004;

    // Live configuration reload: 3201–3299.
    public const int ReloadApplied = 3201;
    public const int ReloadRejected = 3202;
    public const int ReloadError = 3203;
    public const int ReloadRequiresRestart = 3204;
    public const int ReloadBreakerCarriedOver = 3206;
    public const int ReloadWatching = 3207;
    public const int ReloadOff = 3208;
    public const int ReloadNoFileEvents = 3209;
    public const int ReloadWatcherFailed = 3210;
    public const int ReloadFailedUnexpectedly = 3211;
    public const int RouteLeftOut = 3212;

    // Deferral: 3301–3399.
    public const int RequestDeferred = 3301;
    public const int DeferralRefused = 3302;
    public const int IdempotencyLookupFailed = 3303;

    // The store: 3401–3499.
    public const int StoreOpenFailedServingWithout = 3401;
    public const int StoreInMemory = 3402;
    public const int StoreOpened = 3403;
    public const int StoreFailedWhileRunning = 3410;
    public const int StoreRescueOutcome = 3411;
    public const int StoreIntegrityCheckFailed = 3412;
    public const int StoreFileCheckOff = 3413;
    public const int UsageLedgerWriteFailed = 3420;
    public const int UsageLedgerFull = 3421;
    public const int UsageLedgerPruneFailed = 3422;
    public const int UsageLedgerPruned = 3423;
    public const int ClientKeyIssued = 3430;
    public const int ClientKeyRevoked = 3431;
    public const int ClientKeyCheckFailed = 3432;

    // Budgets: 3501–3599.
    public const int BudgetLeasesRefused = 3501;
    public const int BudgetLeaseReleaseFailed = 3502;
    public const int BudgetRefused = 3503;
    public const int BudgetAdvisoryExceeded = 3504;
    public const int BudgetLevelChanged = 3505;
    public const int BudgetsLoaded = 3506;
    public const int BudgetLeasesRecovered = 3507;
    public const int BudgetLoadFailed = 3508;
    public const int BudgetFellBack = 3509;
    public const int BudgetFleetUnavailable = 3520;
    public const int BudgetFleetSettleFailed = 3521;
    public const int BudgetFleetSeeded = 3522;
    public const int BudgetFleetSeedFailed = 3523;

    // Alerts: 3601–3649.
    public const int AlertsDropped = 3601;
    public const int AlertSourceFailed = 3602;
    public const int AlertsStoreFailed = 3603;
    public const int AlertsEnqueueFailed = 3604;
    public const int AlertsLoaded = 3605;
    public const int AlertsNotified = 3606;
    public const int AlertEvaluationFailed = 3607;
    public const int AlertsBacklogDropped = 3608;

    // Alert channels: 3701–3799.
    public const int AlertChannelSent = 3701;
    public const int AlertChannelFailed = 3702;
    public const int AlertChannelRefused = 3703;
    public const int AlertChannelBelowMinSeverity = 3704;
    public const int AlertChannelUnreadable = 3705;

    // Provider authentication: 3801–3849.
    public const int ProviderTokenFetched = 3801;
    public const int ProviderTokenFetchFailed = 3802;
    public const int ProviderTokenRejected = 3803;
    public const int ProviderCredentialsRejected = 3804;
}
