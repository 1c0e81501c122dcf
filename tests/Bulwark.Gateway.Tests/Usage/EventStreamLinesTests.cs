using System.Text;
using Bulwark.Gateway.Usage;
using CsCheck;

namespace Bulwark.Gateway.Tests.Usage;

public class EventStreamLinesTests
{
    /// <summary>However a stream is split across writes, the same lines come out (CR before LF trimmed), and a line past the bound only as "too long".</summary>
    [Fact]
    public void AnySplit_SameLines_LongOnesMarked()
    {
        var line = Gen.String[Gen.Char['a', 'e'], 0, 12];
        var stream = Gen.Select(line.Array[0, 12], Gen.Bool).Select(static t => (Lines: t.Item1, Crlf: t.Item2));
        Gen.Select(stream, Gen.Int[1, 9].Array[1, 10]).Sample(t =>
        {
            var ((lines, crlf), sizes) = t;
            byte[] bytes = Encoding.ASCII.GetBytes(string.Concat(lines.Select(l => l + (crlf ? "\r\n" : "\n"))));
            var seen = new List<string>();
            using var splitter = new EventStreamLines(8, (l, tooLong) => seen.Add(tooLong ? "<too long>" : Encoding.ASCII.GetString(l)));

            int at = 0;
            for (int i = 0; at < bytes.Length; i++)
            {
                int size = Math.Min(sizes[i % sizes.Length], bytes.Length - at);
                splitter.Write(bytes.AsSpan(at, size));
                at += size;
            }

            // A line within one write is handed over whatever its length; one split across writes keeps its bound.
            Assert.Equal(lines.Length, seen.Count);
            Assert.All(lines.Zip(seen), p => Assert.True(p.Second == p.First || (p.Second == "<too long>" && p.First.Length + (crlf ? 1 : 0) > 8)));
        }, iter: 2000);
    }
}
