using System.Globalization;
using System.Text;
using System.Text.Json;
using Bulwark.AspNetCore.Logging;
using CsCheck;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.AspNetCore.Tests.Logging;

public sealed class BulwarkJsonConsoleFormatterTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 21, 5, 7, 123, TimeSpan.Zero));
    private readonly LoggerExternalScopeProvider _scopes = new();

    [Fact]
    public void FormatDefaultTimestamp_IsTheDefaultFormatOfAnyInstant_MillisecondsCutNotRounded()
    {
        // Any instant from year 1 to 9999, with ticks below the millisecond, at any offset: the same text as the custom
        // format the option names.
        var ticks = Gen.Long[DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks];
        var offsets = Gen.Int[-14 * 60, 14 * 60];
        Gen.Select(ticks, offsets).Sample((t, offsetMinutes) =>
        {
            long local = t + (offsetMinutes * TimeSpan.TicksPerMinute);
            if (local < DateTime.MinValue.Ticks || local > DateTime.MaxValue.Ticks)
            {
                return;
            }

            AssertDefaultFormat(new DateTimeOffset(new DateTime(local, DateTimeKind.Unspecified), TimeSpan.FromMinutes(offsetMinutes)));
        });

        // The ends of the range, which random ticks almost never reach.
        AssertDefaultFormat(new DateTimeOffset(DateTime.MinValue, TimeSpan.Zero));
        AssertDefaultFormat(new DateTimeOffset(DateTime.MaxValue, TimeSpan.Zero));

        Span<byte> last = stackalloc byte[32];
        var justBeforeASecond = new DateTimeOffset(2026, 12, 31, 23, 59, 59, TimeSpan.Zero).AddTicks(TimeSpan.TicksPerSecond - 1);
        Assert.Equal("2026-12-31T23:59:59.999Z", Encoding.UTF8.GetString(BulwarkJsonConsoleFormatter.FormatDefaultTimestamp(justBeforeASecond, last)));
    }

    private static void AssertDefaultFormat(DateTimeOffset now)
    {
        string expected = now.UtcDateTime.ToString(BulwarkJsonConsoleLoggingBuilderExtensions.TimestampFormat, CultureInfo.InvariantCulture);
        Span<byte> buffer = stackalloc byte[32];
        Assert.Equal(expected, Encoding.UTF8.GetString(BulwarkJsonConsoleFormatter.FormatDefaultTimestamp(now, buffer)));
    }

    [Fact]
    public void Write_TemplatedEventWithScopes_WritesMessageFieldsAndScopesOnceAsTopLevelProperties()
    {
        using var correlation = _scopes.Push(new Dictionary<string, object?> { ["correlation_id"] = "c-1", ["order"] = 9 });
        using var text = _scopes.Push("batch 7");
        var state = new FormattedState("loading order {order} for {tenant}", ("order", 42), ("tenant", "acme"));

        var entry = Write(LogLevel.Warning, new EventId(17, "Loading"), state, exception: null);

        Assert.Equal("2026-11-23T21:05:07.123Z", entry.GetProperty("Timestamp").GetString());
        Assert.Equal("Warning", entry.GetProperty("LogLevel").GetString());
        Assert.Equal("Tests.Category", entry.GetProperty("Category").GetString());
        Assert.Equal(17, entry.GetProperty("EventId").GetInt32());
        Assert.Equal("Loading", entry.GetProperty("EventName").GetString());
        Assert.Equal("loading order 42 for acme", entry.GetProperty("Message").GetString());
        Assert.Equal("loading order {order} for {tenant}", entry.GetProperty("MessageTemplate").GetString());
        Assert.Equal(42, entry.GetProperty("order").GetInt32());
        Assert.Equal("acme", entry.GetProperty("tenant").GetString());
        Assert.Equal("c-1", entry.GetProperty("correlation_id").GetString());
        Assert.Equal(["batch 7"], entry.GetProperty("Scopes").EnumerateArray().Select(static s => s.GetString()));

        // The event's own "order" wins over the scope's; nothing is written twice.
        var names = entry.EnumerateObject().Select(static p => p.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain("State", names);
    }

    [Fact]
    public void Write_WithException_WritesItsTypeMessageAndStack()
    {
        Exception thrown;
        try
        {
            throw new InvalidOperationException("store unavailable");
        }
        catch (InvalidOperationException exception)
        {
            thrown = exception;
        }

        var entry = Write(LogLevel.Error, default, new FormattedState("failed"), thrown);

        string text = entry.GetProperty("Exception").GetString()!;
        Assert.StartsWith("System.InvalidOperationException: store unavailable", text, StringComparison.Ordinal);
        Assert.Contains(nameof(Write_WithException_WritesItsTypeMessageAndStack), text, StringComparison.Ordinal);
        Assert.Equal(0, entry.GetProperty("EventId").GetInt32());
        Assert.False(entry.TryGetProperty("EventName", out _));
    }

    [Fact]
    public void Write_FieldNamedLikeAnEntryProperty_KeepsItUnderAStatePrefix()
    {
        var entry = Write(LogLevel.Information, default, new FormattedState("{Message} {Category}", ("Message", "m"), ("Category", "c")));

        Assert.Equal("m c", entry.GetProperty("Message").GetString());
        Assert.Equal("Tests.Category", entry.GetProperty("Category").GetString());
        Assert.Equal("m", entry.GetProperty("State.Message").GetString());
        Assert.Equal("c", entry.GetProperty("State.Category").GetString());
    }

    [Fact]
    public void Write_ManyEntries_ReusesTheBufferWithoutMixingEntries()
    {
        for (int i = 0; i < 3; i++)
        {
            var entry = Write(LogLevel.Information, default, new FormattedState(i == 1 ? new string('x', 100_000) : "short"));
            Assert.Equal(i == 1 ? 100_000 : 5, entry.GetProperty("Message").GetString()!.Length);
        }
    }

    private JsonElement Write(LogLevel level, EventId eventId, FormattedState state, Exception? exception = null)
    {
        var options = new JsonConsoleFormatterOptions
        {
            IncludeScopes = true,
            UseUtcTimestamp = true,
            TimestampFormat = BulwarkJsonConsoleLoggingBuilderExtensions.TimestampFormat,
        };
        using var formatter = new BulwarkJsonConsoleFormatter(new StaticOptionsMonitor(options), _time);
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<FormattedState>(level, "Tests.Category", eventId, state, exception, static (s, _) => s.ToString()), _scopes, writer);
        string line = writer.ToString();
        Assert.EndsWith(Environment.NewLine, line, StringComparison.Ordinal);
        Assert.Single(line.TrimEnd().Split('\n'));
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>A state shaped like the ones <c>LoggerMessage</c> and <c>LogInformation</c> produce.</summary>
    private sealed class FormattedState(string template, params (string Name, object? Value)[] fields) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => fields.Length + 1;

        public KeyValuePair<string, object?> this[int index] =>
            index == fields.Length ? new("{OriginalFormat}", template) : new(fields[index].Name, fields[index].Value);

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Enumerable.Range(0, Count).Select(i => this[i]).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString()
        {
            string text = template;
            foreach (var (name, value) in fields)
            {
                text = text.Replace("{" + name + "}", Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
            }

            return text;
        }
    }

    private sealed class StaticOptionsMonitor(JsonConsoleFormatterOptions value) : IOptionsMonitor<JsonConsoleFormatterOptions>
    {
        public JsonConsoleFormatterOptions CurrentValue => value;

        public JsonConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<JsonConsoleFormatterOptions, string?> listener) => null;
    }
}
