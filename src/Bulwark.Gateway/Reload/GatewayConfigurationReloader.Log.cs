namespace Bulwark.Gateway.Reload;

internal sealed partial class GatewayConfigurationReloader
{
    // Event ids 3201-3299 belong to configuration reload. Errors and keys are logged, never values: they may be secrets.
    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.ReloadApplied, Level = LogLevel.Information, Message = "Configuration reloaded: generation {Generation} in force with {Routes} route(s) and {Providers} provider(s); {KeptPipelines} provider(s) kept their pipeline, {CarriedBreakers} breaker state(s) carried over to a changed pipeline")]
        public static partial void Applied(ILogger logger, int generation, int routes, int providers, int keptPipelines, int carriedBreakers);

        [LoggerMessage(EventId = EventIds.ReloadRejected, Level = LogLevel.Error, Message = "Configuration reload rejected with {ErrorCount} error(s); generation {Generation} keeps serving: {Errors}")]
        public static partial void Rejected(ILogger logger, int errorCount, int generation, string errors);

        [LoggerMessage(EventId = EventIds.ReloadError, Level = LogLevel.Error, Message = "Configuration reload error: {Error}")]
        public static partial void Error(ILogger logger, string error);

        [LoggerMessage(EventId = EventIds.ReloadRequiresRestart, Level = LogLevel.Warning, Message = "Configuration reload: {Count} changed setting(s) require restart and are not in force until then: {Keys}")]
        public static partial void RestartRequired(ILogger logger, int count, string keys);

        [LoggerMessage(EventId = EventIds.ReloadBreakerCarriedOver, Level = LogLevel.Information, Message = "Configuration reload: {Provider} has a changed pipeline; its breaker state carried over ({State})")]
        public static partial void BreakerCarriedOver(ILogger logger, string provider, string state);

        [LoggerMessage(EventId = EventIds.ReloadWatching, Level = LogLevel.Information, Message = "Watching the configuration file {File} for changes (file-system events: {Events}; content check every {PollSeconds} s, 0 = off)")]
        public static partial void Watching(ILogger logger, string file, bool events, double pollSeconds);

        [LoggerMessage(EventId = EventIds.ReloadOff, Level = LogLevel.Information, Message = "Configuration reload is off (Bulwark:Reload:Enabled is false)")]
        public static partial void Disabled(ILogger logger);

        [LoggerMessage(EventId = EventIds.ReloadNoFileEvents, Level = LogLevel.Warning, Message = "Configuration reload: no file-system events ({Reason}); changes are found only by the content check, every {PollSeconds} s (0: never, so set Bulwark:Reload:PollInterval)")]
        public static partial void WatcherUnavailable(ILogger logger, string reason, double pollSeconds);

        [LoggerMessage(EventId = EventIds.ReloadWatcherFailed, Level = LogLevel.Warning, Message = "Configuration reload: the file watcher failed; the content check still runs")]
        public static partial void WatcherError(ILogger logger, Exception exception);

        [LoggerMessage(EventId = EventIds.ReloadFailedUnexpectedly, Level = LogLevel.Error, Message = "Configuration reload failed unexpectedly; the last good configuration keeps serving")]
        public static partial void ReloadFailed(ILogger logger, Exception exception);
    }
}
