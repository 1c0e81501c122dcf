using System.Text;
using System.Text.RegularExpressions;
using Bulwark.AspNetCore.Redaction.Detectors;

namespace Bulwark.AspNetCore.Redaction;

/// <summary>
/// Finds personal data and secrets in a string and replaces each with <c>[REDACTED:kind]</c>: email, card (Luhn),
/// iban (mod-97), ssn, phone, jwt, bearer, api_key, secret (secret-named keys and high-entropy tokens), header
/// (sensitive header values), credentials (URL user information), and the kinds of configured patterns.
/// </summary>
/// <remarks>
/// Thread-safe; build one and share it. Every built-in rule runs in linear time (non-backtracking engine or hand-written
/// scanners), and a rule runs only on a string that has the characters every match of it has (a digit, <c>@</c>,
/// <c>=</c> or <c>:</c>, <c>.</c>, <c>-</c>, the word <c>bearer</c>...), so paths and generated ids run no regular expression.
/// Overlapping findings are merged, so no part of any finding survives.
/// </remarks>
public sealed class PiiRedactor
{
    private readonly PiiDetector[] _detectors;

    // The detectors an identifier is scanned with: all but the high-entropy rule, which is last.
    private readonly int _identifierDetectors;

    /// <summary>Initializes a new instance of the <see cref="PiiRedactor"/> class.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentException">A configured pattern is not a valid regular expression, or a number is out of range.</exception>
    public PiiRedactor(PiiRedactorOptions? options = null)
    {
        options ??= new PiiRedactorOptions();
        if (options.MinSecretLength < 16)
        {
            throw new ArgumentException($"{nameof(PiiRedactorOptions.MinSecretLength)} must be at least 16; it is {options.MinSecretLength}.", nameof(options));
        }

        if (options.MinSecretEntropy is < 1 or > 6 || double.IsNaN(options.MinSecretEntropy))
        {
            throw new ArgumentException($"{nameof(PiiRedactorOptions.MinSecretEntropy)} must be between 1 and 6; it is {options.MinSecretEntropy}.", nameof(options));
        }

        var detectors = BuiltInDetectors.Create(options);
        foreach (var (kind, pattern) in options.Patterns)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(kind, nameof(options));
            detectors.Add(PatternDetector.Create(kind, pattern));
        }

        _identifierDetectors = detectors.Count;
        if (options.Kinds.HasFlag(PiiKinds.HighEntropy))
        {
            detectors.Add(new HighEntropyDetector(options.MinSecretLength, options.MinSecretEntropy));
        }

        _detectors = [.. detectors];
    }

    /// <summary>Gets the detectors in priority order (tests).</summary>
    internal IReadOnlyList<PiiDetector> Detectors => _detectors;

    /// <summary>Builds every detector's expression now rather than on first use (<see cref="PiiRedactorWarmUp"/> calls it a second after the host has started).</summary>
    internal void WarmUp()
    {
        foreach (var detector in _detectors)
        {
            detector.WarmUp();
        }
    }

    /// <summary>Gets a redactor with the default options.</summary>
    public static PiiRedactor Default { get; } = new();

    /// <summary>Returns <paramref name="value"/> with every finding replaced by <c>[REDACTED:kind]</c>; the same instance when nothing was found.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The redacted text.</returns>
    public string Redact(string value) => Redact(value, _detectors.Length);

    /// <summary>
    /// As <see cref="Redact(string)"/>, for an identifier chosen by a client (a correlation, tenant or user id): every rule but the
    /// high-entropy one, which takes a random token — what such an id usually is, a prefixed GUID say — for a generated
    /// secret. A card number, an API key of a known form or a configured pattern is still found.
    /// </summary>
    internal string RedactIdentifier(string value) => Redact(value, _identifierDetectors);

    private string Redact(string value, int detectorCount)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return value;
        }

        var traits = new TextTraits(value);
        var sink = default(PiiMatchSink);
        try
        {
            for (int i = 0; i < detectorCount; i++)
            {
                if (_detectors[i].Applies(traits))
                {
                    sink.Priority = i;
                    _detectors[i].Detect(value, ref sink);
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            return PiiRedactionConstants.UnscannableReplacement;
        }

        return sink.Matches is null ? value : Replace(value, sink.Matches);
    }

    /// <summary>How many of the regular-expression rules would scan <paramref name="value"/> (the rest are skipped by its traits).</summary>
    internal int RegexScansFor(string value)
    {
        var traits = new TextTraits(value);
        int scans = 0;
        foreach (var detector in _detectors)
        {
            if (detector is RegexDetector && detector.Applies(traits))
            {
                scans++;
            }
        }

        return scans;
    }

    private static string Replace(string value, List<PiiMatch> matches)
    {
        matches.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Priority.CompareTo(b.Priority));
        var builder = new StringBuilder(value.Length);
        int position = 0;
        int index = 0;
        while (index < matches.Count)
        {
            var first = matches[index];
            int end = first.End;
            var kind = first.Kind;
            int priority = first.Priority;
            index++;
            while (index < matches.Count && matches[index].Start < end)
            {
                end = Math.Max(end, matches[index].End);
                if (matches[index].Priority < priority)
                {
                    (kind, priority) = (matches[index].Kind, matches[index].Priority);
                }

                index++;
            }

            builder.Append(value, position, first.Start - position).Append("[REDACTED:").Append(kind).Append(']');
            position = end;
        }

        return builder.Append(value, position, value.Length - position).ToString();
    }
}
