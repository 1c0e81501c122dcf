using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// Writes each log entry as one compact JSON object: <c>Timestamp</c>, <c>LogLevel</c>, <c>Category</c>, <c>EventId</c>,
/// <c>EventName</c>, <c>Message</c>, <c>Exception</c>, then every field of the state and of the scopes as top-level
/// properties, each once. The built-in JSON formatter writes the formatted message, every field again under
/// <c>State</c> and each scope as a formatted string as well; on the gateway's request event that was more than half of
/// what a request allocated. The JSON is written as UTF-8 into a buffer reused by each thread.
/// </summary>
internal sealed class BulwarkJsonConsoleFormatter : ConsoleFormatter, IDisposable
{
    private const string OriginalFormat = "{OriginalFormat}";

    // A buffer that grew past this for one large entry is dropped rather than kept by the thread.
    private const int MaxRetainedBufferBytes = 64 * 1024;

    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("Timestamp");
    private static readonly JsonEncodedText LogLevelName = JsonEncodedText.Encode("LogLevel");
    private static readonly JsonEncodedText CategoryName = JsonEncodedText.Encode("Category");
    private static readonly JsonEncodedText EventIdName = JsonEncodedText.Encode("EventId");
    private static readonly JsonEncodedText EventNameName = JsonEncodedText.Encode("EventName");
    private static readonly JsonEncodedText MessageName = JsonEncodedText.Encode("Message");
    private static readonly JsonEncodedText MessageTemplateName = JsonEncodedText.Encode("MessageTemplate");
    private static readonly JsonEncodedText ExceptionName = JsonEncodedText.Encode("Exception");
    private static readonly JsonEncodedText ScopesName = JsonEncodedText.Encode("Scopes");

    private static readonly JsonEncodedText[] LevelNames =
    [
        JsonEncodedText.Encode(nameof(LogLevel.Trace)),
        JsonEncodedText.Encode(nameof(LogLevel.Debug)),
        JsonEncodedText.Encode(nameof(LogLevel.Information)),
        JsonEncodedText.Encode(nameof(LogLevel.Warning)),
        JsonEncodedText.Encode(nameof(LogLevel.Error)),
        JsonEncodedText.Encode(nameof(LogLevel.Critical)),
    ];

    [ThreadStatic]
    private static WriterCache? t_cache;

    private readonly TimeProvider _time;
    private readonly IDisposable? _reload;
    private JsonConsoleFormatterOptions _options;

    public BulwarkJsonConsoleFormatter(IOptionsMonitor<JsonConsoleFormatterOptions> options, TimeProvider timeProvider)
        : base(BulwarkJsonConsoleLoggingBuilderExtensions.FormatterName)
    {
        _time = timeProvider;
        _options = options.CurrentValue;
        _reload = options.OnChange(changed => _options = changed);
    }

    public void Dispose() => _reload?.Dispose();

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var options = _options;
        var cache = TakeCache(options);
        try
        {
            Format(cache, in logEntry, scopeProvider, options);
            WriteUtf8(cache.Buffer.WrittenSpan, textWriter);
            textWriter.Write(Environment.NewLine);
        }
        finally
        {
            ReturnCache(cache);
        }
    }

    /// <summary>
    /// Formats one entry as a line of UTF-8 JSON ending in <c>\n</c>, in an array rented from
    /// <see cref="ArrayPool{T}.Shared"/> that the caller returns (<see cref="BulwarkJsonLogLine.Return"/>).
    /// </summary>
    internal BulwarkJsonLogLine FormatLine<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider)
    {
        var options = _options;
        var cache = TakeCache(options);
        try
        {
            Format(cache, in logEntry, scopeProvider, options);
            var json = cache.Buffer.WrittenSpan;
            var line = ArrayPool<byte>.Shared.Rent(json.Length + 1);
            json.CopyTo(line);
            line[json.Length] = (byte)'\n';
            return new BulwarkJsonLogLine(line, json.Length + 1);
        }
        finally
        {
            ReturnCache(cache);
        }
    }

    // Taken from the thread while in use, so a value whose ToString logs cannot write into the same buffer.
    private static WriterCache TakeCache(JsonConsoleFormatterOptions options)
    {
        var cache = t_cache is { } cached && ReferenceEquals(cached.Options, options) ? cached : new WriterCache(options);
        t_cache = null;
        return cache;
    }

    private static void ReturnCache(WriterCache cache)
    {
        cache.Clear();
        if (cache.Buffer.Capacity <= MaxRetainedBufferBytes)
        {
            t_cache = cache;
        }
    }

    private void Format<TState>(WriterCache cache, in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, JsonConsoleFormatterOptions options)
    {
        var writer = cache.Writer;
        writer.Reset(cache.Buffer);
        WriteEntry(writer, cache, in logEntry, options.IncludeScopes ? scopeProvider : null, options);
        writer.Flush();
    }

    // The only part compiled once per message type: a value-type state (each source-generated log message has its own)
    // makes every generic method a new compilation at its first line, so the rest takes the state as an object.
    private void WriteEntry<TState>(Utf8JsonWriter writer, WriterCache cache, in LogEntry<TState> entry, IExternalScopeProvider? scopes, JsonConsoleFormatterOptions options)
    {
        object? state = entry.State;
        string? message = state is IJsonLogState ? null : entry.Formatter(entry.State, entry.Exception);
        WriteEntry(writer, cache, entry.LogLevel, entry.Category, entry.EventId, entry.Exception, state, message, scopes, options);
    }

    private const int DefaultTimestampBufferLength = 32;

    /// <summary>
    /// Writes <paramref name="now"/> in the default format (<see cref="BulwarkJsonConsoleLoggingBuilderExtensions.TimestampFormat"/>,
    /// UTC) as UTF-8 into <paramref name="buffer"/> (at least 32 bytes) and returns the 24 bytes written. On every line, so
    /// through the round-trip format, the runtime's fast path (no custom pattern to interpret): its first 23 characters
    /// are this format's, the milliseconds cut as <c>fff</c> cuts them.
    /// </summary>
    internal static ReadOnlySpan<byte> FormatDefaultTimestamp(DateTimeOffset now, Span<byte> buffer)
    {
        now.UtcDateTime.TryFormat(buffer, out _, "O", CultureInfo.InvariantCulture);
        buffer[23] = (byte)'Z';
        return buffer[..24];
    }

    private void WriteEntry(Utf8JsonWriter writer, WriterCache cache, LogLevel level, string category, EventId eventId, Exception? exception, object? state, string? message, IExternalScopeProvider? scopes, JsonConsoleFormatterOptions options)
    {
        writer.WriteStartObject();
        if (options.UseUtcTimestamp && options.TimestampFormat == BulwarkJsonConsoleLoggingBuilderExtensions.TimestampFormat)
        {
            Span<byte> stamp = stackalloc byte[DefaultTimestampBufferLength];
            writer.WriteString(TimestampName, FormatDefaultTimestamp(_time.GetUtcNow(), stamp));
        }
        else if (options.TimestampFormat is { } format)
        {
            var now = options.UseUtcTimestamp ? _time.GetUtcNow() : _time.GetLocalNow();
            Span<char> stamp = stackalloc char[64];
            if (now.TryFormat(stamp, out int length, format, CultureInfo.InvariantCulture))
            {
                writer.WriteString(TimestampName, stamp[..length]);
            }
            else
            {
                writer.WriteString(TimestampName, now.ToString(format, CultureInfo.InvariantCulture));
            }
        }

        if ((uint)level < (uint)LevelNames.Length)
        {
            writer.WriteString(LogLevelName, LevelNames[(int)level]);
        }
        else
        {
            writer.WriteString(LogLevelName, level.ToString());
        }

        writer.WriteString(CategoryName, category);
        writer.WriteNumber(EventIdName, eventId.Id);
        if (eventId.Name is { } eventName)
        {
            writer.WriteString(EventNameName, eventName);
        }

        if (state is IJsonLogState own)
        {
            own.WriteMessage(writer, MessageName);
        }
        else
        {
            writer.WriteString(MessageName, message);
        }

        if (exception is not null)
        {
            writer.WriteString(ExceptionName, exception.ToString());
        }

        IReadOnlyList<KeyValuePair<string, object?>>? fields = null;
        if (state is IJsonLogState ownFields)
        {
            ownFields.WriteFields(writer);
        }
        else if (state is IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            fields = list;
            for (int i = 0; i < list.Count; i++)
            {
                var field = list[i];
                if (field.Key == OriginalFormat)
                {
                    if (field.Value is string template)
                    {
                        writer.WriteString(MessageTemplateName, template);
                    }
                }
                else
                {
                    WriteField(writer, FieldName(field.Key), field.Value);
                }
            }
        }
        else if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var field in pairs)
            {
                if (field.Key != OriginalFormat)
                {
                    WriteField(writer, FieldName(field.Key), field.Value);
                }
            }
        }

        if (scopes is not null)
        {
            cache.State = state as IJsonLogState;
            cache.Fields = fields;
            scopes.ForEachScope(static (scope, cache) => cache.AddScope(scope), cache);
            if (cache.TextScopes.Count > 0)
            {
                writer.WriteStartArray(ScopesName);
                foreach (var text in cache.TextScopes)
                {
                    writer.WriteStringValue(text);
                }

                writer.WriteEndArray();
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>A field that would overwrite one of the entry's own properties keeps its value under a <c>State.</c> prefix.</summary>
    private static string FieldName(string key) => key switch
    {
        "Timestamp" or "LogLevel" or "Category" or "EventId" or "EventName" or "Message" or "MessageTemplate" or "Exception" or "Scopes" => "State." + key,
        _ => key,
    };

    internal static void WriteField(Utf8JsonWriter writer, string name, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(name);
                break;
            case string text:
                writer.WriteString(name, text);
                break;
            case bool flag:
                writer.WriteBoolean(name, flag);
                break;
            case int number:
                writer.WriteNumber(name, number);
                break;
            case long number:
                writer.WriteNumber(name, number);
                break;
            case double number when double.IsFinite(number):
                writer.WriteNumber(name, number);
                break;
            case float number when float.IsFinite(number):
                writer.WriteNumber(name, number);
                break;
            case decimal number:
                writer.WriteNumber(name, number);
                break;
            case short number:
                writer.WriteNumber(name, number);
                break;
            case byte number:
                writer.WriteNumber(name, number);
                break;
            case uint number:
                writer.WriteNumber(name, number);
                break;
            case ulong number:
                writer.WriteNumber(name, number);
                break;
            case ushort number:
                writer.WriteNumber(name, number);
                break;
            case sbyte number:
                writer.WriteNumber(name, number);
                break;
            case IJsonLogValue json:
                writer.WritePropertyName(name);
                json.WriteTo(writer);
                break;
            case IFormattable formattable:
                writer.WriteString(name, formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteString(name, value.ToString());
                break;
        }
    }

    private static void WriteUtf8(ReadOnlySpan<byte> utf8, TextWriter textWriter)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(utf8.Length));
        try
        {
            int count = Encoding.UTF8.GetChars(utf8, chars);
            textWriter.Write(chars, 0, count);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>One thread's buffer and writer, and the state of the scope walk of the entry being written.</summary>
    private sealed class WriterCache
    {
        private readonly List<string> _scopeKeys = [];

        public WriterCache(JsonConsoleFormatterOptions options)
        {
            Options = options;
            Writer = new Utf8JsonWriter(Buffer, options.JsonWriterOptions);
        }

        public JsonConsoleFormatterOptions Options { get; }

        public ArrayBufferWriter<byte> Buffer { get; } = new(1024);

        public Utf8JsonWriter Writer { get; }

        public IJsonLogState? State { get; set; }

        public IReadOnlyList<KeyValuePair<string, object?>>? Fields { get; set; }

        public List<string> TextScopes { get; } = [];

        public void AddScope(object? scope)
        {
            if (scope is IReadOnlyList<KeyValuePair<string, object?>> list)
            {
                // Indexed (the correlation, hosting and activity scopes are lists): enumerating one allocates its iterator.
                for (int i = 0; i < list.Count; i++)
                {
                    AddScopeField(list[i]);
                }
            }
            else if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    AddScopeField(pair);
                }
            }
            else if (scope is not null && scope.ToString() is { } text)
            {
                TextScopes.Add(text);
            }
        }

        public void Clear()
        {
            Buffer.ResetWrittenCount();
            State = null;
            Fields = null;
            _scopeKeys.Clear();
            TextScopes.Clear();
        }

        private void AddScopeField(KeyValuePair<string, object?> pair)
        {
            if (pair.Key != OriginalFormat && !IsWritten(pair.Key))
            {
                _scopeKeys.Add(pair.Key);
                WriteField(Writer, FieldName(pair.Key), pair.Value);
            }
        }

        private bool IsWritten(string key)
        {
            if (State is not null && State.HasField(key))
            {
                return true;
            }

            if (Fields is not null)
            {
                for (int i = 0; i < Fields.Count; i++)
                {
                    if (Fields[i].Key == key)
                    {
                        return true;
                    }
                }
            }

            return _scopeKeys.Contains(key);
        }
    }
}
