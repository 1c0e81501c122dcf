using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Bulwark.AspNetCore.Logging;

/// <summary>A category's logger of <see cref="BulwarkJsonConsoleLoggerProvider"/>: formats on the caller's thread, writes on the writer's.</summary>
internal sealed class BulwarkJsonConsoleLogger(string category, BulwarkJsonConsoleLoggerProvider provider) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => provider.ScopeProvider.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        ArgumentNullException.ThrowIfNull(formatter);
        var entry = new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter);
        provider.Writer.Enqueue(provider.Formatter.FormatLine(in entry, provider.ScopeProvider));
    }
}
