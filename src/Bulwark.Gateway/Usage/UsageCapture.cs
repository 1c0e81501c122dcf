namespace Bulwark.Gateway.Usage;

/// <summary>
/// The response body stream of a winning attempt on a route with an <c>Api</c> kind. An SSE stream goes to the client
/// write by write, unchanged and unbuffered, and is read event by event after each write has passed. A JSON body is
/// held back up to <see cref="Configuration.UsageConstants.MaxParsedBytes"/> (a client cannot use half a JSON document
/// anyway), so that the usage headers can go before it (<see cref="SendHeldAsync"/>); past the bound, what was held is
/// sent and the rest passes through, its usage unknown.
/// </summary>
internal sealed class UsageCapture : Stream
{
    private static ReadOnlySpan<byte> DataField => "data:"u8;

    private static ReadOnlySpan<byte> UsageProperty => "\"usage\""u8;

    private readonly UsageFormat _format;
    private readonly int _maxBytes;
    private readonly PooledBytes _held = new();
    private readonly EventStreamLines? _lines;
    private bool _overflowed;
    private TokenUsage _usage;

    public UsageCapture(Stream inner, UsageFormat format, int maxBytes)
    {
        Inner = inner;
        _format = format;
        _maxBytes = maxBytes;
        _lines = format == UsageFormat.ServerSentEvents ? new EventStreamLines(maxBytes, ReadLine) : null;
    }

    /// <summary>Gets the stream the writes go to (the client's).</summary>
    public Stream Inner { get; }

    /// <summary>Gets whether a whole JSON body is held back, not yet sent.</summary>
    public bool Holding => _format == UsageFormat.Json && !_overflowed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Reads what is left (a held JSON body) and returns the usage found.</summary>
    public TokenUsage Complete()
    {
        if (Holding && _held.Length > 0)
        {
            UsageJson.Read(_held.Span, ref _usage);
        }

        return _usage;
    }

    /// <summary>Sends the held JSON body (with the response's headers, if it has not started) and lets go of it.</summary>
    public async ValueTask SendHeldAsync(CancellationToken cancellationToken)
    {
        if (Holding && _held.Length > 0)
        {
            await Inner.WriteAsync(_held.Memory, cancellationToken).ConfigureAwait(false);
        }

        _held.Dispose();
    }

    // Held JSON is not flushed: a flush would send the headers before the usage is known.
    public override void Flush()
    {
        if (!Holding)
        {
            Inner.Flush();
        }
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Holding ? Task.CompletedTask : Inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (Holding)
        {
            if (TryHold(buffer.AsSpan(offset, count)))
            {
                return;
            }

            Inner.Write(_held.Span);
            _held.Dispose();
        }

        Inner.Write(buffer, offset, count);
        _lines?.Write(buffer.AsSpan(offset, count));
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Holding)
        {
            if (TryHold(buffer.Span))
            {
                return;
            }

            // Over the bound: what was held goes first, then this and the rest pass through unread.
            if (_held.Length > 0)
            {
                await Inner.WriteAsync(_held.Memory, cancellationToken).ConfigureAwait(false);
            }

            _held.Dispose();
        }

        await Inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        _lines?.Write(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    protected override void Dispose(bool disposing)
    {
        _held.Dispose();
        _lines?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Holds <paramref name="data"/> with the JSON body so far; <see langword="false"/> (and no longer holding) when it would pass the bound.</summary>
    private bool TryHold(ReadOnlySpan<byte> data)
    {
        if (!_held.TryAppend(data, _maxBytes))
        {
            _overflowed = true;
            return false;
        }

        return true;
    }

    /// <summary>One SSE line: a <c>data:</c> line's JSON is read for its usage (a line past the bound is passed by unread).</summary>
    private void ReadLine(ReadOnlySpan<byte> line, bool tooLong)
    {
        if (tooLong || !line.StartsWith(DataField))
        {
            return;
        }

        var payload = line[DataField.Length..];
        if (payload.Length > 0 && payload[0] == (byte)' ')
        {
            payload = payload[1..];
        }

        // Most chunks carry no usage: those are read only until the model is known.
        if (payload.Length > 0 && payload[0] == (byte)'{' && (_usage.Model is null || payload.IndexOf(UsageProperty) >= 0))
        {
            UsageJson.Read(payload, ref _usage);
        }
    }
}
