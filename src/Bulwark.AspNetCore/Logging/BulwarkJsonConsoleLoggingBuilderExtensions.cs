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
    /// Adds the console logger with the built-in JSON formatter: one JSON object per line, a UTC <c>Timestamp</c>, the
    /// event's fields under <c>State</c> and its scopes (such as <c>correlation_id</c>) under <c>Scopes</c>. It also turns
    /// off <see cref="HostingDiagnosticsCategory"/> for every provider: Bulwark's redacted request event replaces its
    /// lines, and its scope would otherwise write each request's raw path (emails, tokens) on every line. Re-enable it
    /// with a later <c>AddFilter</c> if you accept that.
    /// </summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">Further changes to the formatter options, or <see langword="null"/>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static ILoggingBuilder AddBulwarkJsonConsole(this ILoggingBuilder builder, Action<JsonConsoleFormatterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
        return builder.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = TimestampFormat;
            options.JsonWriterOptions = new() { Indented = false };
            configure?.Invoke(options);
        });
    }
}
