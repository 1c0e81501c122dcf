using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// The logger provider of <see cref="BulwarkJsonConsoleLoggingBuilderExtensions.AddBulwarkJsonConsole"/>: each entry
/// formatted by <see cref="BulwarkJsonConsoleFormatter"/> straight to UTF-8 and written to standard output by
/// <see cref="BulwarkJsonConsoleWriter"/>, several lines per write under load. Its alias is <c>Console</c>, so
/// <c>Logging:Console:LogLevel</c> filters and <c>Logging:Console:FormatterOptions</c> apply as they do to the console
/// logger, and so do <see cref="ConsoleLoggerOptions.MaxQueueLength"/> and <see cref="ConsoleLoggerOptions.QueueFullMode"/>
/// (read at start). Every line goes to standard output.
/// </summary>
[ProviderAlias("Console")]
internal sealed class BulwarkJsonConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly BulwarkJsonConsoleOutput _output;

    public BulwarkJsonConsoleLoggerProvider(
        IOptionsMonitor<JsonConsoleFormatterOptions> formatterOptions,
        IOptionsMonitor<ConsoleLoggerOptions> consoleOptions,
        TimeProvider timeProvider,
        BulwarkJsonConsoleOutput output)
    {
        _output = output;
        var console = consoleOptions.CurrentValue;
        Formatter = new BulwarkJsonConsoleFormatter(formatterOptions, timeProvider);
        Writer = new BulwarkJsonConsoleWriter(output.Stream, Math.Max(1, console.MaxQueueLength), console.QueueFullMode == ConsoleLoggerQueueFullMode.DropWrite, DroppedLine);
    }

    internal BulwarkJsonConsoleFormatter Formatter { get; }

    internal BulwarkJsonConsoleWriter Writer { get; }

    internal IExternalScopeProvider ScopeProvider { get; private set; } = new LoggerExternalScopeProvider();

    public ILogger CreateLogger(string categoryName) => new BulwarkJsonConsoleLogger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => ScopeProvider = scopeProvider;

    // The writer's "lines dropped" warning, formatted like every other entry.
    private BulwarkJsonLogLine DroppedLine(long count)
    {
        var entry = new LogEntry<LogLinesDroppedState>(
            LogLevel.Warning, typeof(BulwarkJsonConsoleWriter).FullName!, EventIds.LogLinesDroppedId, new LogLinesDroppedState(count), null, static (s, _) => s.ToString());
        return Formatter.FormatLine(in entry, scopeProvider: null);
    }

    public void Dispose()
    {
        Writer.Dispose();
        Formatter.Dispose();
    }
}
