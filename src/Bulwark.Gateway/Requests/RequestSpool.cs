using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Bulwark.Gateway.Requests;

/// <summary>
/// A request body kept in a spool file so that every attempt and failover can send it again. A pump reads the client's
/// body into the file as it arrives; every attempt, the first included, reads the file from its start through a
/// <see cref="SpoolReader"/>, waiting where the client has not sent more yet — so the first bytes go to the first
/// provider as soon as they arrive, and a retry never reads the client again. The file is opened exclusively (a lock
/// that tells the start-up sweep it is in use) and delete-on-close; disposing the spool stops the pump and removes it.
/// </summary>
internal sealed class RequestSpool : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;

    private readonly SafeFileHandle _file;
    private readonly Stream _client;
    private readonly long? _length;
    private readonly long _limit;
    private readonly SpoolQuota _quota;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = NewSignal();
    private Task _pump = Task.CompletedTask;
    private long _reserved;
    private long _written;
    private bool _complete;
    private Exception? _failure;
    private int _disposed;

    private RequestSpool(SafeFileHandle file, string path, Stream client, long? length, long limit, SpoolQuota quota, long reserved)
    {
        _file = file;
        Path = path;
        _client = client;
        _length = length;
        _limit = limit;
        _quota = quota;
        _reserved = reserved;
    }

    /// <summary>Gets the spool file's path.</summary>
    public string Path { get; }

    /// <summary>Gets the bytes spooled so far.</summary>
    public long Spooled => Volatile.Read(ref _written);

    /// <summary>Gets why the body cannot be spooled to its end, once it cannot: a <see cref="SpoolFullException"/>, or the client's body failing (malformed, too large, the client gone).</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>
    /// Opens a spool in <paramref name="directory"/> for the client's body of <paramref name="length"/> bytes (when known:
    /// reserved at once, on the quota and the disk) and starts reading it, <paramref name="prefix"/> (bytes read already)
    /// first.
    /// </summary>
    /// <exception cref="SpoolFullException">The body does not fit the quota or the disk, or no file can be made there.</exception>
    public static RequestSpool Start(Stream client, string directory, long? length, long limit, SpoolQuota quota, ReadOnlyMemory<byte> prefix)
    {
        long reserved = 0;
        if (length is { } known)
        {
            if (!quota.TryTake(known))
            {
                throw new SpoolFullException($"the spool's cap (Bulwark:Spool:MaxBytes, {quota.MaxBytes} bytes) has {Math.Max(0, quota.MaxBytes - quota.Used)} bytes left for a body of {known}");
            }

            reserved = known;
        }

        string path = SpoolFiles.NewPath(directory);
        SafeFileHandle file;
        try
        {
            // Preallocated when the length is known: a disk without the room refuses now, before anything is sent.
            file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose, preallocationSize: length ?? 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            quota.Release(reserved);
            throw new SpoolFullException($"the spool directory cannot take a body of {(length is { } l ? l + " bytes" : "unknown length")}: {e.Message}", e);
        }

        var spool = new RequestSpool(file, path, client, length, limit, quota, reserved);
        spool._pump = spool.PumpAsync(prefix, spool._stop.Token);
        return spool;
    }

    /// <summary>A reader of the whole body from its start, for one attempt.</summary>
    public Stream OpenReader() => new SpoolReader(this);

    /// <summary>Reads what is spooled at <paramref name="position"/>, waiting for the client's next bytes when there are none yet; 0 at the body's end.</summary>
    /// <exception cref="IOException">The body cannot be spooled to its end (<see cref="Failure"/>).</exception>
    public async ValueTask<int> ReadAtAsync(long position, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            // The signal is taken before the state is read: a change after the read completes it.
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            long written = Volatile.Read(ref _written);
            if (position < written)
            {
                int count = (int)Math.Min(buffer.Length, written - position);
                return await RandomAccess.ReadAsync(_file, buffer[..count], position, cancellationToken).ConfigureAwait(false);
            }

            if (Volatile.Read(ref _failure) is { } failure)
            {
                throw new IOException("The request body could not be spooled to its end.", failure);
            }

            if (Volatile.Read(ref _complete) || buffer.IsEmpty)
            {
                return 0;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The pump records its failures; one left after cancellation concerns no one any more.
        }

        Fail(new ObjectDisposedException(nameof(RequestSpool)));
        _file.Dispose();
        _quota.Release(_reserved);
        _stop.Dispose();
    }

    private async Task PumpAsync(ReadOnlyMemory<byte> prefix, CancellationToken cancellationToken)
    {
        // Returns to the caller at once: the first attempt starts while the pump runs.
        await Task.Yield();
        if (!prefix.IsEmpty && !await WriteAsync(prefix, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await _client.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    // The client's body failed: malformed, over Kestrel's limit, too slow, or the client gone.
                    Fail(e);
                    return;
                }

                if (read == 0)
                {
                    Volatile.Write(ref _complete, true);
                    Signal();
                    return;
                }

                if (!await WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        long at = Volatile.Read(ref _written);
        if (_length is null)
        {
            if (at + data.Length > _limit)
            {
                Fail(new BadHttpRequestException($"The request body, of unknown length, grew past the largest the gateway keeps for retries (Bulwark:MaxReplayableBodyBytes, {_limit} bytes); send its Content-Length to have a larger one sent once.", StatusCodes.Status413PayloadTooLarge));
                return false;
            }

            if (!_quota.TryTake(data.Length))
            {
                Fail(new SpoolFullException($"the spool's cap (Bulwark:Spool:MaxBytes, {_quota.MaxBytes} bytes) was reached by a body of unknown length after {at} bytes"));
                return false;
            }

            _reserved += data.Length;
        }

        try
        {
            await RandomAccess.WriteAsync(_file, data, at, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail(new SpoolFullException($"the spool file could not be written after {at} bytes: {e.Message}", e));
            return false;
        }
        catch (OperationCanceledException e)
        {
            Fail(e);
            return false;
        }

        Volatile.Write(ref _written, at + data.Length);
        Signal();
        return true;
    }

    private void Fail(Exception failure)
    {
        Interlocked.CompareExchange(ref _failure, failure, null);
        Signal();
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
