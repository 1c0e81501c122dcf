using Bulwark.AspNetCore.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Logging;

/// <summary>Configures console logging for Bulwark's structured events.</summary>
public static class BulwarkJsonConsoleLoggingBuilderExtensions
{
    /// <summary>
    /// The category of ASP.NET Core's hosting diagnostics, turned off by <see cref="AddBulwarkJsonConsole"/>: its
    /// request start/finish lines and the <c>RequestPath</c> scope it puts on every line carry the raw, unredacted path.
    /// </summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>The timestamp format written by <see cref="AddBulwarkJsonConsole"/>: ISO 8601 with milliseconds, UTC.</summary>
    public const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <summary>The name of the console formatter that <see cref="AddBulwarkJsonConsole"/> selects: <c>bulwark-json</c>.</summary>
    public const string FormatterName = "bulwark-json";

    /// <summary>
    /// Adds Bulwark's JSON console logger: one compact JSON object per line on standard output, with <c>Timestamp</c>
    /// (UTC, <see cref="TimestampFormat"/>), <c>LogLevel</c>, <c>Category</c>, <c>EventId</c>, <c>EventName</c>,
    /// <c>Message</c>, <c>Exception</c> when there is one, and then each field of the event and of its scopes (such as
    /// <c>correlation_id</c>) as a top-level property, written once. Lines are formatted to UTF-8 on the logging thread
    /// and written by one background thread, as many per write as are waiting (the console logger makes one write per
    /// line). The provider's alias is <c>Console</c>: <c>Logging:Console</c> settings (log levels,
    /// <c>FormatterOptions</c>, <c>MaxQueueLength</c> (default 2,500 lines), <c>QueueFullMode</c> (default
    /// <c>Wait</c>)) apply to it. It also turns off <see cref="HostingDiagnosticsCategory"/> for every provider:
    /// Bulwark's redacted request event replaces its lines, and its scope would otherwise write each request's raw
    /// path (emails, tokens) on every line. Re-enable it with a later <c>AddFilter</c> if you accept that.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">
    /// Further changes to the formatter options, applied after <c>Logging:Console:FormatterOptions</c>, or
    /// <see langword="null"/>. Defaults: <c>IncludeScopes</c>
    /// <see langword="true"/>, <c>UseUtcTimestamp</c> <see langword="true"/>, <c>TimestampFormat</c>
    /// <see cref="TimestampFormat"/>, <c>JsonWriterOptions.Indented</c> <see langword="false"/>.
    /// </param>
    /// <returns>The same builder, for chaining.</returns>
    public static ILoggingBuilder AddBulwarkJsonConsole(this ILoggingBuilder builder, Action<JsonConsoleFormatterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        builder.AddConfiguration();
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static _ => BulwarkJsonConsoleOutput.StandardOutput());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, BulwarkJsonConsoleLoggerProvider>());
        LoggerProviderOptions.RegisterProviderOptions<ConsoleLoggerOptions, BulwarkJsonConsoleLoggerProvider>(services);

        // Bulwark's defaults, then Logging:Console:FormatterOptions, then the caller's changes.
        services.Configure<JsonConsoleFormatterOptions>(static options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = TimestampFormat;
            options.JsonWriterOptions = new() { Indented = false };
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JsonConsoleFormatterOptions>, FormatterOptionsFromConfiguration>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    /// <summary>Binds <c>Logging:Console:FormatterOptions</c>, as the console logger does for its formatters.</summary>
    private sealed class FormatterOptionsFromConfiguration(ILoggerProviderConfiguration<BulwarkJsonConsoleLoggerProvider> configuration)
        : ConfigureFromConfigurationOptions<JsonConsoleFormatterOptions>(configuration.Configuration.GetSection("FormatterOptions"));
}
