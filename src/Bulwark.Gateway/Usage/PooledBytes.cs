using System.Buffers;

namespace Bulwark.Gateway.Usage;

/// <summary>Bytes gathered across writes in an array from the shared pool, up to a bound the caller gives.</summary>
internal sealed class PooledBytes : IDisposable
{
    private byte[]? _array;

    /// <summary>Gets the number of bytes held.</summary>
    public int Length { get; private set; }

    /// <summary>Gets the bytes held.</summary>
    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    /// <summary>Gets the bytes held.</summary>
    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    /// <summary>Appends <paramref name="data"/>; <see langword="false"/>, with nothing changed, when the whole would pass <paramref name="max"/> bytes.</summary>
    public bool TryAppend(ReadOnlySpan<byte> data, int max)
    {
        int needed = Length + data.Length;
        if (needed > max)
        {
            return false;
        }

        if (data.IsEmpty)
        {
            return true;
        }

        if (_array is null || _array.Length < needed)
        {
            var grown = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Min(max, Math.Max(4096, (_array?.Length ?? 0) * 2))));
            Span.CopyTo(grown);
            if (_array is not null)
            {
                ArrayPool<byte>.Shared.Return(_array);
            }

            _array = grown;
        }

        data.CopyTo(_array.AsSpan(Length));
        Length = needed;
        return true;
    }

    /// <summary>Lets go of the bytes held, keeping the array for more.</summary>
    public void Clear() => Length = 0;

    /// <summary>Returns the array to the pool.</summary>
    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = null;
        }

        Length = 0;
    }
}
