using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Bulwark.AspNetCore.Redaction;
using Xunit.Abstractions;

namespace Bulwark.AspNetCore.Tests.Redaction;

/// <summary>
/// Recall and false-redaction rate on the committed corpora. In <c>Corpus/pii.txt</c> each finding is marked
/// <c>[[kind:value]]</c>; the markers are removed before redaction.
/// </summary>
public partial class PiiCorpusTests(ITestOutputHelper output)
{
    private static readonly PiiRedactor Redactor = new();

    [Fact]
    public void PiiCorpus_EveryFindingIsRedacted_RecallIsFull()
    {
        var lines = ReadCorpus("pii.txt");
        Assert.True(lines.Length >= 150, $"pii.txt has {lines.Length} lines");
        int complete = 0;
        int items = 0;
        int rightKind = 0;
        var misses = new List<string>();
        foreach (var line in lines)
        {
            var markers = Marker().Matches(line);
            Assert.NotEmpty(markers);
            string text = Marker().Replace(line, static m => m.Groups["value"].Value);
            string redacted = Redactor.Redact(text);
            bool all = true;
            foreach (Match marker in markers)
            {
                items++;
                string value = marker.Groups["value"].Value;
                string kind = marker.Groups["kind"].Value;
                if (redacted.Contains(value, StringComparison.Ordinal))
                {
                    all = false;
                    misses.Add($"{kind}: {text} => {redacted}");
                }
                else if (redacted.Contains($"[REDACTED:{kind}]", StringComparison.Ordinal))
                {
                    rightKind++;
                }
                else
                {
                    output.WriteLine($"KIND {kind}: {redacted}");
                }
            }

            complete += all ? 1 : 0;
        }

        double recall = (double)complete / lines.Length;
        output.WriteLine($"PII corpus: {lines.Length} lines, {items} findings; recall {recall:P1} ({complete}/{lines.Length} lines fully redacted); kind right for {rightKind}/{items} findings");
        foreach (var miss in misses)
        {
            output.WriteLine("MISS " + miss);
        }

        Assert.Empty(misses);
        Assert.Equal(1.0, recall);
    }

    [Fact]
    public void BenignCorpus_AlmostNothingIsRedacted_FalseRedactionRateBelowOnePercent()
    {
        var lines = ReadCorpus("benign.txt");
        Assert.True(lines.Length >= 300, $"benign.txt has {lines.Length} lines");
        var changed = new List<string>();
        foreach (var line in lines)
        {
            string redacted = Redactor.Redact(line);
            if (!ReferenceEquals(redacted, line))
            {
                Assert.NotEqual(line, redacted);
                changed.Add($"{line} => {redacted}");
            }
        }

        double rate = (double)changed.Count / lines.Length;
        output.WriteLine($"Benign corpus: {lines.Length} lines; false-redaction rate {rate:P2} ({changed.Count}/{lines.Length} lines changed)");
        foreach (var line in changed)
        {
            output.WriteLine("CHANGED " + line);
        }

        Assert.True(rate < 0.01, $"false-redaction rate {rate:P2}: {string.Join(Environment.NewLine, changed)}");
    }

    private static string[] ReadCorpus(string name, [CallerFilePath] string here = "") =>
        [.. File.ReadAllLines(Path.Combine(Path.GetDirectoryName(here)!, "Corpus", name)).Where(static l => l.Length > 0)];

    [GeneratedRegex(@"\[\[(?<kind>[a-z_]+):(?<value>.+?)\]\]")]
    private static partial Regex Marker();
}
