using System.Text.RegularExpressions;

namespace Bulwark.Gateway.Configuration;

/// <summary>How an <see cref="AlertMatcher"/> compares a label's value.</summary>
internal enum AlertMatchOperator
{
    /// <summary><c>=</c>: equal.</summary>
    Equal = 0,

    /// <summary><c>!=</c>: not equal.</summary>
    NotEqual = 1,

    /// <summary><c>=~</c>: the whole value matches the regex.</summary>
    Regex = 2,

    /// <summary><c>!~</c>: the whole value does not match the regex.</summary>
    NotRegex = 3,
}

/// <summary>
/// One label matcher as Alertmanager's: a label name, an operator and a value; a missing label has the value "" (so
/// <c>team!=ops</c> matches an alert without <c>team</c>). Regexes are anchored at both ends, as Alertmanager's.
/// Used by escalation policies, inhibition rules and silences.
/// </summary>
internal sealed class AlertMatcher
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);
    private readonly Regex? _regex;

    private AlertMatcher(string name, AlertMatchOperator op, string value, Regex? regex)
    {
        Name = name;
        Operator = op;
        Value = value;
        _regex = regex;
    }

    public string Name { get; }

    public AlertMatchOperator Operator { get; }

    public string Value { get; }

    public string OperatorText => Operator switch
    {
        AlertMatchOperator.NotEqual => "!=",
        AlertMatchOperator.Regex => "=~",
        AlertMatchOperator.NotRegex => "!~",
        _ => "=",
    };

    /// <summary>Makes a matcher; <paramref name="error"/> says why it cannot be made.</summary>
    public static AlertMatcher? Create(string? name, string? op, string? value, out string? error)
    {
        if (string.IsNullOrWhiteSpace(name) || !IsLabelName(name))
        {
            error = $"label name '{name}' must be letters, digits, '_', '-' or '.', starting with a letter or '_'";
            return null;
        }

        AlertMatchOperator? parsed = op switch
        {
            "=" => AlertMatchOperator.Equal,
            "!=" => AlertMatchOperator.NotEqual,
            "=~" => AlertMatchOperator.Regex,
            "!~" => AlertMatchOperator.NotRegex,
            _ => null,
        };
        if (parsed is not { } kind)
        {
            error = $"operator '{op}' must be one of '=', '!=', '=~' and '!~'";
            return null;
        }

        value ??= string.Empty;
        Regex? regex = null;
        if (kind is AlertMatchOperator.Regex or AlertMatchOperator.NotRegex)
        {
            try
            {
                regex = new Regex("^(?:" + value + ")$", RegexOptions.CultureInvariant, MatchTimeout);
            }
            catch (ArgumentException e)
            {
                error = $"'{value}' is not a valid regex ({e.Message})";
                return null;
            }
        }

        error = null;
        return new AlertMatcher(name, kind, value, regex);
    }

    /// <summary>Reads <c>name op value</c> (the value optionally double-quoted, with <c>\"</c> and <c>\\</c> escapes).</summary>
    public static AlertMatcher? Parse(string? text, out string? error)
    {
        text = text?.Trim() ?? string.Empty;
        int i = 0;
        while (i < text.Length && IsNameChar(text[i]))
        {
            i++;
        }

        string name = text[..i].Trim();
        string rest = text[i..].TrimStart();
        string? op = rest.StartsWith("=~", StringComparison.Ordinal) ? "=~"
            : rest.StartsWith("!~", StringComparison.Ordinal) ? "!~"
            : rest.StartsWith("!=", StringComparison.Ordinal) ? "!="
            : rest.StartsWith('=') ? "=" : null;
        if (op is null)
        {
            error = $"matcher '{text}' must be name=value, name!=value, name=~regex or name!~regex";
            return null;
        }

        string value = rest[op.Length..].Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
        }

        var matcher = Create(name, op, value, out error);
        if (error is not null)
        {
            error = $"matcher '{text}': {error}";
        }

        return matcher;
    }

    /// <summary>Whether the labels (the rule among them as <c>rule</c>) satisfy the matcher.</summary>
    public bool Matches(string rule, IReadOnlyDictionary<string, string> labels)
    {
        string actual = Name == AlertsConstants.RuleLabel ? rule : labels.TryGetValue(Name, out var v) ? v : string.Empty;
        return Operator switch
        {
            AlertMatchOperator.Equal => string.Equals(actual, Value, StringComparison.Ordinal),
            AlertMatchOperator.NotEqual => !string.Equals(actual, Value, StringComparison.Ordinal),
            AlertMatchOperator.Regex => SafeMatch(actual),
            _ => !SafeMatch(actual),
        };
    }

    public override string ToString() => $"{Name}{OperatorText}\"{Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    /// <summary>Reads every matcher of a list, adding each mistake to <paramref name="errors"/> prefixed with <paramref name="where"/>.</summary>
    public static List<AlertMatcher> ParseAll(IEnumerable<string>? texts, string where, List<string>? errors)
    {
        var matchers = new List<AlertMatcher>();
        int index = 0;
        foreach (string text in texts ?? [])
        {
            if (Parse(text, out string? error) is { } matcher)
            {
                matchers.Add(matcher);
            }
            else
            {
                errors?.Add($"{where}:{index} {error}.");
            }

            index++;
        }

        return matchers;
    }

    private bool SafeMatch(string value)
    {
        try
        {
            return _regex!.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    private static bool IsLabelName(string name) => (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(IsNameChar);
}
