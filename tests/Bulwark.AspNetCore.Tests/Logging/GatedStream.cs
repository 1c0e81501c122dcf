namespace Bulwark.AspNetCore.Tests.Logging;

/// <summary>
/// A write-only stream that keeps what is written and counts the writes that reach it; while closed, a write waits
/// (bounded) until the test opens it, so a test can hold the log writer in the middle of a write.
/// </summary>
internal sealed class GatedStream(bool open = true) : Stream
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly MemoryStream _written = new();
    private readonly ManualResetEventSlim _open = new(open);
    private readonly SemaphoreSlim _entered = new(0);
    private readonly Lock _lock = new();
    private int _writes;

    /// <summary>Gets or sets how many of the next writes throw (a failed output).</summary>
    public int FailWrites { get; set; }

    /// <summary>Gets or sets an exception that every write throws, if any.</summary>
    public Exception? Throws { get; set; }

    public int Writes => Volatile.Read(ref _writes);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public void Open() => _open.Set();

    /// <summary>Waits (up to ten seconds) until a write has reached the stream.</summary>
    public async Task WaitForWriteAsync() => Assert.True(await _entered.WaitAsync(Deadline), "Nothing was written.");

    /// <summary>Gets the lines written so far.</summary>
    public string[] Lines()
    {
        lock (_lock)
        {
            return System.Text.Encoding.UTF8.GetString(_written.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _entered.Release();
        Assert.True(_open.Wait(Deadline), "The test never opened the stream.");
        if (Throws is { } exception)
        {
            throw exception;
        }

        if (FailWrites > 0)
        {
            FailWrites--;
            throw new IOException("Broken pipe");
        }

        Interlocked.Increment(ref _writes);
        lock (_lock)
        {
            _written.Write(buffer);
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
