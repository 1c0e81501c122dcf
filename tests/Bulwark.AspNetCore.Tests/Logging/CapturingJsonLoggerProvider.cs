using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Bulwark.AspNetCore.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Tests.Logging;

/// <summary>Formats every log entry with Bulwark's console JSON formatter into memory, one JSON document per entry.</summary>
public sealed class CapturingJsonLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly BulwarkJsonConsoleFormatter _formatter;
    private readonly Channel<JsonElement> _arrivals = Channel.CreateUnbounded<JsonElement>();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public CapturingJsonLoggerProvider(IOptionsMonitor<JsonConsoleFormatterOptions> options, TimeProvider timeProvider) =>
        _formatter = new BulwarkJsonConsoleFormatter(options, timeProvider);

    public ConcurrentQueue<JsonElement> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Waits, at most 10 s, for an entry that matches.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match)
    {
        foreach (var entry in Entries)
        {
            if (match(entry))
            {
                return entry;
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var entry = await _arrivals.Reader.ReadAsync(timeout.Token);
            if (match(entry))
            {
                return entry;
            }
        }
    }

    public void Dispose() => _formatter.Dispose();

    private sealed class CapturingLogger(CapturingJsonLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            using var writer = new StringWriter();
            owner._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), owner._scopes, writer);
            string line = writer.ToString();
            Assert.Single(line.TrimEnd().Split('\n'));
            var entry = JsonDocument.Parse(line).RootElement.Clone();
            owner.Entries.Enqueue(entry);
            owner._arrivals.Writer.TryWrite(entry);
        }
    }
}
