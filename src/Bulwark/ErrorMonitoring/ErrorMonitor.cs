using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Bulwark.ErrorMonitoring;

/// <summary>
/// The default <see cref="IErrorMonitor"/>: fingerprints in a concurrent dictionary, each with its own lock around its
/// counters (held for a few additions), sliding windows driven by the <see cref="TimeProvider"/>, and at most
/// <see cref="ErrorMonitorOptions.MaxFingerprints"/> kept, the least recently seen forgotten first.
/// </summary>
/// <remarks>
/// Recording costs the message's normalization and a SHA-256 of a few hundred bytes; the sample is redacted only when a
/// fingerprint is new or its severity rises, so a repeated error costs no redaction. Under concurrent recording of new
/// fingerprints the count may pass the limit by the number of writers until the next eviction; an occurrence recorded while
/// its fingerprint is being evicted may be lost with it.
/// </remarks>
public sealed class ErrorMonitor : IErrorMonitor
{
    private const string UnknownType = "error";

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _evicting = new();
    private readonly TimeProvider _timeProvider;
    private readonly IErrorRedactor? _redactor;
    private readonly int _maxFingerprints;
    private long _touches;

    /// <summary>Initializes a new instance of the <see cref="ErrorMonitor"/> class.</summary>
    /// <param name="options">The options; validated by <see cref="ErrorMonitorOptionsValidator"/>.</param>
    /// <param name="timeProvider">The clock of the windows and the first and last seen times; <see langword="null"/> for the system's.</param>
    /// <param name="redactor">Redacts samples, or <see langword="null"/> to keep the normalized message as the sample.</param>
    /// <exception cref="OptionsValidationException">The options are out of range.</exception>
    public ErrorMonitor(IOptions<ErrorMonitorOptions> options, TimeProvider? timeProvider = null, IErrorRedactor? redactor = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        if (new ErrorMonitorOptionsValidator().Validate(null, value) is { Failed: true } failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ErrorMonitorOptions), failed.Failures);
        }

        _maxFingerprints = value.MaxFingerprints;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _redactor = redactor;
    }

    /// <summary>Gets how many fingerprints are kept now.</summary>
    public int Count => _entries.Count;

    /// <inheritdoc/>
    public string Record(Exception? exception, ErrorSeverity severity = ErrorSeverity.Error, ErrorContext? context = null, bool recoveryAttempted = false, bool recoverySucceeded = false) =>
        Record(exception?.GetType().FullName, exception?.Message, severity, context, recoveryAttempted, recoverySucceeded);

    /// <inheritdoc/>
    public string Record(string? type, string? message, ErrorSeverity severity = ErrorSeverity.Error, ErrorContext? context = null, bool recoveryAttempted = false, bool recoverySucceeded = false)
    {
        try
        {
            string name = Name(type) ?? UnknownType;
            context = Clean(context ?? ErrorContext.None);
            severity = Enum.IsDefined(severity) ? severity : ErrorSeverity.Error;
            string normalized = MessageNormalizer.Normalize(message);
            string fingerprint = ErrorFingerprint.Compute(name, normalized, context);
            var now = _timeProvider.GetUtcNow();
            long touch = Interlocked.Increment(ref _touches);
            if (!_entries.TryGetValue(fingerprint, out var entry))
            {
                var created = new Entry(fingerprint, name, normalized, context.Attributes is null ? context : context with { Attributes = null }, now, touch);
                entry = _entries.GetOrAdd(fingerprint, created);
                if (ReferenceEquals(entry, created) && _entries.Count > _maxFingerprints)
                {
                    Evict();
                }
            }

            entry.Add(this, message, context.Attributes, severity, now, touch, recoveryAttempted, recoverySucceeded);
            return fingerprint;
        }
        catch (Exception)
        {
            // Recording is called from catch blocks and failure paths: it must never add a failure of its own.
            return string.Empty;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<ErrorFingerprintSnapshot> GetSnapshot(ErrorSnapshotFilter? filter = null)
    {
        filter ??= new ErrorSnapshotFilter();
        int limit = Math.Clamp(filter.Limit, 1, ErrorMonitoringConstants.MaxSnapshotLimit);
        var now = _timeProvider.GetUtcNow();
        var list = new List<ErrorFingerprintSnapshot>();
        foreach (var entry in _entries.Values)
        {
            if (Matches(filter.Provider, entry.Provider) && Matches(filter.Route, entry.Route) && Matches(filter.Service, entry.Service)
                && entry.Snapshot(now) is { } snapshot && (filter.MinimumSeverity is not { } minimum || snapshot.Severity >= minimum))
            {
                list.Add(snapshot);
            }
        }

        list.Sort(static (a, b) =>
        {
            int order = b.LastMinute.CompareTo(a.LastMinute);
            order = order != 0 ? order : b.Last5Minutes.CompareTo(a.Last5Minutes);
            order = order != 0 ? order : b.LastHour.CompareTo(a.LastHour);
            order = order != 0 ? order : b.Last24Hours.CompareTo(a.Last24Hours);
            order = order != 0 ? order : b.Count.CompareTo(a.Count);
            order = order != 0 ? order : b.LastSeen.CompareTo(a.LastSeen);
            return order != 0 ? order : string.CompareOrdinal(a.Fingerprint, b.Fingerprint);
        });
        if (list.Count > limit)
        {
            list.RemoveRange(limit, list.Count - limit);
        }

        return list;
    }

    private static bool Matches(string? wanted, string? actual) =>
        wanted is null || string.Equals(wanted, actual, StringComparison.OrdinalIgnoreCase);

    /// <summary>Forgets the least recently seen fingerprints, about 5% of the limit at once; skipped when another thread is at it.</summary>
    private void Evict()
    {
        if (!_evicting.TryEnter())
        {
            return;
        }

        try
        {
            var entries = _entries.ToArray();
            int excess = entries.Length - _maxFingerprints;
            if (excess <= 0)
            {
                return;
            }

            int remove = Math.Min(entries.Length, excess + Math.Max(1, _maxFingerprints / 20) - 1);
            var touches = new long[entries.Length];
            for (int i = 0; i < entries.Length; i++)
            {
                touches[i] = entries[i].Value.LastTouch;
            }

            Array.Sort(touches, entries);
            for (int i = 0; i < remove; i++)
            {
                _entries.TryRemove(entries[i]);
            }
        }
        finally
        {
            _evicting.Exit();
        }
    }

    /// <summary>A name cut to its bound with control characters replaced (they would join parts of the fingerprint or a log line); <see langword="null"/> when blank.</summary>
    private static string? Name(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (value.Length > ErrorMonitoringConstants.MaxNameLength)
        {
            value = value[..ErrorMonitoringConstants.MaxNameLength];
        }

        return value.AsSpan().ContainsAnyInRange('\u0000', '\u001f') || value.Contains('\u007f') ? Printable(value) : value;
    }

    private static string Printable(string value) => string.Create(value.Length, value, static (span, source) =>
    {
        for (int i = 0; i < source.Length; i++)
        {
            span[i] = char.IsControl(source[i]) ? ' ' : source[i];
        }
    });

    private static ErrorContext Clean(ErrorContext context)
    {
        string? provider = Name(context.Provider);
        string? route = Name(context.Route);
        string? service = Name(context.Service);
        return ReferenceEquals(provider, context.Provider) && ReferenceEquals(route, context.Route) && ReferenceEquals(service, context.Service)
            ? context
            : context with { Provider = provider, Route = route, Service = service };
    }

    /// <summary>The sample kept for an occurrence: redacted (or the normalized message), cut, printable.</summary>
    private string Sample(string? message, string normalized)
    {
        if (_redactor is null || string.IsNullOrEmpty(message))
        {
            return normalized;
        }

        string redacted;
        try
        {
            // Redacted whole before it is cut: a cut could split a secret so that the redactor no longer recognizes it.
            redacted = _redactor.Redact(message.Length > ErrorMonitoringConstants.MaxMessageInput ? message[..ErrorMonitoringConstants.MaxMessageInput] : message);
        }
        catch (Exception)
        {
            return normalized;
        }

        if (redacted.Length > ErrorMonitoringConstants.MaxNormalizedLength)
        {
            redacted = redacted[..ErrorMonitoringConstants.MaxNormalizedLength];
        }

        return Printable(redacted);
    }

    private IReadOnlyDictionary<string, string> SampleAttributes(IReadOnlyDictionary<string, string>? attributes)
    {
        if (attributes is null || attributes.Count == 0)
        {
            return EmptyAttributes;
        }

        var sample = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in attributes.OrderBy(static a => a.Key, StringComparer.Ordinal))
        {
            if (sample.Count == ErrorMonitoringConstants.MaxAttributes)
            {
                break;
            }

            if (Name(key) is not { } cleanKey)
            {
                continue;
            }

            cleanKey = cleanKey.Length > ErrorMonitoringConstants.MaxAttributeKeyLength ? cleanKey[..ErrorMonitoringConstants.MaxAttributeKeyLength] : cleanKey;
            string cleanValue = Sample(value, MessageNormalizer.Normalize(value));
            sample[cleanKey] = cleanValue.Length > ErrorMonitoringConstants.MaxAttributeValueLength ? cleanValue[..ErrorMonitoringConstants.MaxAttributeValueLength] : cleanValue;
        }

        return sample;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();

    private sealed class Entry(string fingerprint, string type, string normalized, ErrorContext context, DateTimeOffset firstSeen, long touch)
    {
        private readonly Lock _gate = new();
        private readonly SlidingCounts _windows = new();
        private string? _sample;
        private IReadOnlyDictionary<string, string> _attributes = EmptyAttributes;
        private ErrorSeverity _severity;
        private readonly DateTimeOffset _firstSeen = firstSeen;
        private DateTimeOffset _lastSeen = firstSeen;
        private long _count;
        private long _attempted;
        private long _succeeded;
        // Set when created, so that eviction running before the first count does not take the newest for the oldest.
        private long _lastTouch = touch;

        public string? Provider => context.Provider;

        public string? Route => context.Route;

        public string? Service => context.Service;

        public long LastTouch => Volatile.Read(ref _lastTouch);

        public void Add(ErrorMonitor monitor, string? message, IReadOnlyDictionary<string, string>? attributes, ErrorSeverity severity, DateTimeOffset now, long touch, bool attempted, bool succeeded)
        {
            // The sample is taken outside the lock (redaction is the expensive part), only when it will be kept: the first
            // occurrence, or one of a higher severity than any before.
            bool takeSample;
            lock (_gate)
            {
                takeSample = _sample is null || severity > _severity;
            }

            string? sample = takeSample ? monitor.Sample(message, normalized) : null;
            var sampleAttributes = takeSample ? monitor.SampleAttributes(attributes) : null;
            lock (_gate)
            {
                if (sample is not null && (_sample is null || severity > _severity))
                {
                    _sample = sample;
                    _attributes = sampleAttributes!;
                }

                if (_count == 0 || severity > _severity)
                {
                    _severity = severity;
                }

                _count++;
                _attempted += attempted ? 1 : 0;
                _succeeded += succeeded ? 1 : 0;
                _lastSeen = now > _lastSeen ? now : _lastSeen;
                _windows.Add(now);
                Volatile.Write(ref _lastTouch, Math.Max(_lastTouch, touch));
            }
        }

        public ErrorFingerprintSnapshot? Snapshot(DateTimeOffset now)
        {
            lock (_gate)
            {
                if (_count == 0)
                {
                    // Created by a writer that has not counted it yet.
                    return null;
                }

                var (minute, five, hour, day) = _windows.Read(now);
                return new ErrorFingerprintSnapshot
                {
                    Fingerprint = fingerprint,
                    Type = type,
                    Service = context.Service,
                    Provider = context.Provider,
                    Route = context.Route,
                    StatusCode = context.StatusCode,
                    NormalizedMessage = normalized,
                    SampleMessage = _sample ?? normalized,
                    SampleAttributes = _attributes,
                    Severity = _severity,
                    FirstSeen = _firstSeen,
                    LastSeen = _lastSeen,
                    Count = _count,
                    LastMinute = minute,
                    Last5Minutes = five,
                    LastHour = hour,
                    Last24Hours = day,
                    RecoveryAttempted = _attempted,
                    RecoverySucceeded = _succeeded,
                };
            }
        }
    }
}
