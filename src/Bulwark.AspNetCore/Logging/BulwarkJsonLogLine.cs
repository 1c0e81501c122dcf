using System.Buffers;

namespace Bulwark.AspNetCore.Logging;

/// <summary>One formatted log line: UTF-8 JSON and its newline, in an array rented from <see cref="ArrayPool{T}.Shared"/>.</summary>
internal readonly struct BulwarkJsonLogLine(byte[] buffer, int length)
{
    /// <summary>Gets the bytes of the line.</summary>
    public ReadOnlySpan<byte> Span => buffer.AsSpan(0, length);

    /// <summary>Gives the array back to the pool; the line must not be used afterwards.</summary>
    public void Return() => ArrayPool<byte>.Shared.Return(buffer);
}
