namespace Bulwark.AspNetCore.Redaction.Detectors;

/// <summary>
/// Generated secrets without a known prefix. A token is a run of <c>[A-Za-z0-9_-+/]</c> with optional trailing
/// <c>=</c> padding (an inner <c>=</c> separates a key from its value). It is a secret when it is at least
/// <see cref="PiiRedactorOptions.MinSecretLength"/> long, has letters and digits in at least two places (so
/// <c>TelemetryProcessor2026Handler</c> stays), its Shannon entropy
/// reaches <see cref="PiiRedactorOptions.MinSecretEntropy"/>, and its longest piece between <c>-</c>/<c>_</c> is at
/// least 16 characters (so <c>checkout-7d9f8b6c5d-x2k4p</c> and <c>ORD-2026-000123</c> stay).
/// </summary>
/// <remarks>
/// Never redacted by this rule (decided on the benign corpus): hex strings of any length, with or without dashes
/// (GUIDs, trace ids, SHA-1/SHA-256 digests in paths; a hex string cannot exceed 4 bits per character anyway, so
/// a hex-encoded secret is caught only by a key rule, a prefix or a configured pattern). A run with a <c>/</c> is a
/// path when it has no <c>+</c> and starts with <c>/</c> or has a lower-case word as a segment, and then each segment
/// is judged alone; otherwise it is base64 and judged whole.
/// </remarks>
internal sealed class HighEntropyDetector : PiiDetector
{
    private const int MinPiece = 16;
    private readonly int _minLength;
    private readonly double _minEntropy;

    public HighEntropyDetector(int minLength, double minEntropy)
    {
        _minLength = minLength;
        _minEntropy = minEntropy;
    }

    public override bool Applies(in TextTraits traits) => traits.HasDigit;

    public override void Detect(string text, ref PiiMatchSink sink)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (!IsTokenChar(text[i]))
            {
                i++;
                continue;
            }

            int start = i;
            while (i < text.Length && IsTokenChar(text[i]))
            {
                i++;
            }

            int end = i;
            while (i < text.Length && text[i] == '=')
            {
                i++;
            }

            bool padded = i > end;
            if (padded && i < text.Length && IsTokenChar(text[i]))
            {
                // key=value: the key is one token, the value the next.
                padded = false;
                i = end;
            }

            if (end - start < _minLength)
            {
                continue;
            }

            var run = text.AsSpan(start, end - start);
            if (run.Contains('/') && !padded && IsPath(run))
            {
                int segmentStart = start;
                for (int k = start; k <= end; k++)
                {
                    if (k == end || text[k] == '/')
                    {
                        if (IsSecret(text.AsSpan(segmentStart, k - segmentStart)))
                        {
                            sink.Add(segmentStart, k, "secret");
                        }

                        segmentStart = k + 1;
                    }
                }
            }
            else if (IsSecret(run))
            {
                sink.Add(start, i, "secret");
            }
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '+' or '/';

    private static bool IsPath(ReadOnlySpan<char> run)
    {
        if (run.Contains('+'))
        {
            return false;
        }

        if (run[0] == '/')
        {
            return true;
        }

        foreach (var range in run.Split('/'))
        {
            var segment = run[range];
            if (segment.Length >= 3 && !segment.ContainsAnyExceptInRange('a', 'z'))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSecret(ReadOnlySpan<char> token)
    {
        if (token.Length < _minLength)
        {
            return false;
        }

        int digits = 0;
        int letters = 0;
        bool hex = true;
        int digitRuns = 0;
        bool inDigits = false;
        int piece = 0;
        int longestPiece = 0;
        Span<int> counts = stackalloc int[128];
        foreach (char c in token)
        {
            counts[c]++;
            if (char.IsAsciiDigit(c))
            {
                digits++;
                digitRuns += inDigits ? 0 : 1;
            }
            else if (char.IsAsciiLetter(c))
            {
                letters++;
                hex &= char.IsAsciiHexDigit(c);
            }
            else if (c is not ('-' or '_'))
            {
                hex = false;
            }

            inDigits = char.IsAsciiDigit(c);
            piece = c is '-' or '_' ? 0 : piece + 1;
            longestPiece = Math.Max(longestPiece, piece);
        }

        if (hex || digitRuns < 2 || letters == 0 || longestPiece < MinPiece)
        {
            return false;
        }

        double entropy = 0;
        double length = token.Length;
        foreach (int count in counts)
        {
            if (count > 0)
            {
                double p = count / length;
                entropy -= p * Math.Log2(p);
            }
        }

        return entropy >= _minEntropy;
    }
}
