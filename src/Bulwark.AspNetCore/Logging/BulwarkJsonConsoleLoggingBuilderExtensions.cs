using Bulwark.AspNetCore.Logging;
using Microsoft.Extensions.DependencyInjection.Extensions;
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

    /// <summary>The name of the console formatter that <see cref="AddBulwarkJsonConsole"/> selects: <c>bulwark-json</c>.</summary>
    public const string FormatterName = "bulwark-json";

    /// <summary>
    /// Adds the console logger with Bulwark's JSON formatter: one compact JSON object per line with <c>Timestamp</c>
    /// (UTC, <see cref="TimestampFormat"/>), <c>LogLevel</c>, <c>Category</c>, <c>EventId</c>, <c>EventName</c>,
    /// <c>Message</c>, <c>Exception</c> when there is one, and then each field of the event and of its scopes (such as
    /// <c>correlation_id</c>) as a top-level property, written once. It also turns off
    /// <see cref="HostingDiagnosticsCategory"/> for every provider: Bulwark's redacted request event replaces its
    /// lines, and its scope would otherwise write each request's raw path (emails, tokens) on every line. Re-enable it
    /// with a later <c>AddFilter</c> if you accept that.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">
    /// Further changes to the formatter options, or <see langword="null"/>. Defaults: <c>IncludeScopes</c>
    /// <see langword="true"/>, <c>UseUtcTimestamp</c> <see langword="true"/>, <c>TimestampFormat</c>
    /// <see cref="TimestampFormat"/>, <c>JsonWriterOptions.Indented</c> <see langword="false"/>.
    /// </param>
    /// <returns>The same builder, for chaining.</returns>
    public static ILoggingBuilder AddBulwarkJsonConsole(this ILoggingBuilder builder, Action<JsonConsoleFormatterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddConsole(static options => options.FormatterName = FormatterName);
        return builder.AddConsoleFormatter<BulwarkJsonConsoleFormatter, JsonConsoleFormatterOptions>(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = TimestampFormat;
            options.JsonWriterOptions = new() { Indented = false };
            configure?.Invoke(options);
        });
    }
}
