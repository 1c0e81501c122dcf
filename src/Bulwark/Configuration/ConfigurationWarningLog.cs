using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Configuration;

/// <summary>
/// Logs the warnings found while reading the options from configuration (keys that set nothing), once: when the host
/// starts, beside the validation of the same options, or, in an application without a host, when the pipeline provider
/// is made. Before, they waited for the first pipeline to be asked for.
/// </summary>
internal sealed partial class ConfigurationWarningLog(Func<BulwarkOptions> options, ILoggerFactory? loggerFactory = null) : IHostedService
{
    /// <summary>Reads the options when the warnings are logged, not when this is made: a host makes its hosted services
    /// before it validates the options, and an invalid configuration is reported by that validation, with every error.</summary>
    public ConfigurationWarningLog(IServiceProvider services)
        : this(() => services.GetRequiredService<IOptions<BulwarkOptions>>().Value, services.GetService<ILoggerFactory>())
    {
    }

    private int _logged;

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogOnce();
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Logs the warnings, unless they were logged already or there is no logger factory.</summary>
    public void LogOnce()
    {
        if (loggerFactory is null || Interlocked.Exchange(ref _logged, 1) == 1)
        {
            return;
        }

        var logger = loggerFactory.CreateLogger("Bulwark.Configuration");
        foreach (var warning in options().ConfigurationWarnings)
        {
            Log.ConfigurationWarning(logger, warning);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.PipelineConfigurationWarning, Level = LogLevel.Warning, Message = "Configuration: {Warning}")]
        public static partial void ConfigurationWarning(ILogger logger, string warning);
    }
}
