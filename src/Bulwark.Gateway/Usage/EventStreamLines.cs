namespace Bulwark.Gateway.Usage;

/// <summary>
/// Splits the bytes of a server-sent event stream, write by write, into its lines: a line ends in LF (a CR before it is
/// trimmed). A line within one write is handed over where it lies, without a copy; one split across writes is kept until
/// its end, up to a bound: a longer one is handed over empty, marked too long.
/// </summary>
internal sealed class EventStreamLines(int maxLineBytes, EventStreamLines.LineHandler onLine) : IDisposable
{
    /// <summary>Receives one line, or, when <paramref name="tooLong"/>, word that a line past the bound was passed by.</summary>
    public delegate void LineHandler(ReadOnlySpan<byte> line, bool tooLong);

    private readonly PooledBytes _partial = new();
    private bool _tooLong;

    /// <summary>Takes the next bytes of the stream, handing over each line they end.</summary>
    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int end = data.IndexOf((byte)'\n');
            if (end < 0)
            {
                Keep(data);
                return;
            }

            if (_partial.Length > 0 || _tooLong)
            {
                Keep(data[..end]);
                onLine(_tooLong ? default : _partial.Span.TrimEnd((byte)'\r'), _tooLong);
                _partial.Clear();
                _tooLong = false;
            }
            else
            {
                onLine(data[..end].TrimEnd((byte)'\r'), tooLong: false);
            }

            data = data[(end + 1)..];
        }
    }

    public void Dispose() => _partial.Dispose();

    private void Keep(ReadOnlySpan<byte> data)
    {
        if (!_tooLong && !_partial.TryAppend(data, maxLineBytes))
        {
            _tooLong = true;
            _partial.Clear();
        }
    }
}
