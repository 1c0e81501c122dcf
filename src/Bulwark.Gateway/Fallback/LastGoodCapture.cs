namespace Bulwark.Gateway.Fallback;

/// <summary>
/// The response body stream of a GET on a <see cref="FallbackMode.LastGood"/> route: writes go to the client as they
/// would, and a copy is kept up to the route's bound (past it, the copy is dropped and the response is not kept).
/// </summary>
internal sealed class LastGoodCapture(Stream inner, int maxBytes) : Stream
{
    private MemoryStream? _copy = new();

    /// <summary>Gets the body written so far, or <see langword="null"/> when it grew past the bound.</summary>
    public byte[]? Body => _copy?.ToArray();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        inner.Write(buffer, offset, count);
        Keep(buffer.AsSpan(offset, count));
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Keep(buffer.Span);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private void Keep(ReadOnlySpan<byte> data)
    {
        if (_copy is null)
        {
            return;
        }

        if (_copy.Length + data.Length > maxBytes)
        {
            _copy = null;
            return;
        }

        _copy.Write(data);
    }
}
