using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>Keeps every log event the gateway writes (category, level, event id, formatted message) for assertions.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogRecord> _records = new();

    public IReadOnlyList<LogRecord> Records => [.. _records];

    public IReadOnlyList<LogRecord> WithEventId(int id) => [.. _records.Where(r => r.EventId == id)];

    public ILogger CreateLogger(string categoryName) => new Recorder(categoryName, _records);

    public void Dispose()
    {
    }

    private sealed class Recorder(string category, ConcurrentQueue<LogRecord> records) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            records.Enqueue(new LogRecord(category, logLevel, eventId.Id, formatter(state, exception), exception));
    }
}

internal sealed record LogRecord(string Category, LogLevel Level, int EventId, string Message, Exception? Exception = null);
