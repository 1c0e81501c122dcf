using System.Text.RegularExpressions;

namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>
/// A detector driven by a regular expression on the non-backtracking engine (linear time on any input), whose matches
/// a validator may reject; a capture group named <c>v</c>, when present, is the span to redact.
/// </summary>
internal class RegexDetector : PiiDetector
{
    public const RegexOptions Engine = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    private readonly Lazy<Regex> _regex;
    private readonly string _kind;
    private readonly Func<string, Match, bool>? _accept;
    private readonly Func<TextTraits, bool> _applies;

    public RegexDetector(Regex regex, string kind, Func<TextTraits, bool> applies, Func<string, Match, bool>? accept = null)
        : this(new Lazy<Regex>(regex), kind, applies, accept)
    {
    }

    /// <summary>A detector whose expression is built on first use (building a non-backtracking one takes tens of milliseconds).</summary>
    public RegexDetector(Lazy<Regex> regex, string kind, Func<TextTraits, bool> applies, Func<string, Match, bool>? accept = null)
    {
        _regex = regex;
        _kind = kind;
        _applies = applies;
        _accept = accept;
    }

    /// <summary>Gets the kind written for its findings.</summary>
    public string Kind => _kind;

    /// <summary>Gets whether the expression has been built.</summary>
    public bool IsBuilt => _regex.IsValueCreated;

    public override bool Applies(in TextTraits traits) => _applies(traits);

    public override void WarmUp() => _ = _regex.Value;

    public override void Detect(string text, ref PiiMatchSink sink)
    {
        for (var match = _regex.Value.Match(text); match.Success; match = match.NextMatch())
        {
            if (_accept is null || _accept(text, match))
            {
                var group = match.Groups["v"];
                var span = group.Success ? (Group)group : match;
                sink.Add(span.Index, span.Index + span.Length, _kind);
            }
        }
    }
}
