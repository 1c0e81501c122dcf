using Bulwark.AspNetCore.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Logging.Console;

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

    /// <summary>
    /// The name under which <see cref="AddBulwarkJsonConsole"/> also registers Bulwark's JSON formatter among the console
    /// logger's formatters: <c>bulwark-json</c>. <see cref="AddBulwarkJsonConsole"/> itself writes through its own
    /// provider; a console logger added after it would write every line a second time.
    /// </summary>
    public const string FormatterName = "bulwark-json";

    /// <summary>
    /// Adds Bulwark's JSON console logger: one compact JSON object per line on standard output, with <c>Timestamp</c>
    /// (UTC, <see cref="TimestampFormat"/>), <c>LogLevel</c>, <c>Category</c>, <c>EventId</c>, <c>EventName</c>,
    /// <c>Message</c>, <c>Exception</c> when there is one, and then each field of the event and of its scopes (such as
    /// <c>correlation_id</c>) as a top-level property, written once. Lines are formatted to UTF-8 on the logging thread
    /// and written by one background thread, as many per write as are waiting (the console logger makes one write per
    /// line). The provider's alias is <c>Console</c>: <c>Logging:Console</c> settings (log levels,
    /// <c>FormatterOptions</c>, <c>MaxQueueLength</c> (default 2,500 lines), <c>QueueFullMode</c> (default
    /// <c>Wait</c>)) apply to it; <c>JsonWriterOptions.Indented</c> is always off. It removes a console logger added
    /// before it, which would write every line a second time. It also turns off <see cref="HostingDiagnosticsCategory"/> for every provider:
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

        // The console logger would write every line a second time (WebApplication.CreateBuilder adds it).
        for (int i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(ILoggerProvider) && services[i].ImplementationType == typeof(ConsoleLoggerProvider))
            {
                services.RemoveAt(i);
            }
        }

        // Bulwark's defaults, then Logging:Console:FormatterOptions (bound, and followed when it changes, as for the
        // console logger's formatters), then the caller's changes. One line per entry whatever they say.
        services.Configure<JsonConsoleFormatterOptions>(static options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = TimestampFormat;
            options.JsonWriterOptions = new() { Indented = false };
        });
        builder.AddConsoleFormatter<BulwarkJsonConsoleFormatter, JsonConsoleFormatterOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.PostConfigure<JsonConsoleFormatterOptions>(static options =>
        {
            if (options.JsonWriterOptions.Indented)
            {
                options.JsonWriterOptions = options.JsonWriterOptions with { Indented = false };
            }
        });

        return builder;
    }
}
