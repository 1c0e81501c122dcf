using Microsoft.Extensions.Logging.Console;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// Writes log lines to a stream (standard output) from one background thread, as many lines per write as are waiting.
/// The console logger writes and flushes each line on its own — one system call and one wake-up of its thread per
/// line, which under load cost the gateway about a quarter of its CPU. Here a producer wakes the writer only when it
/// is idle; lines that arrive while it writes go out together in the next write, and the stream is flushed whenever the
/// queue runs empty, so a line is never held back waiting for more.
/// </summary>
/// <remarks>
/// The queue is bounded (<see cref="ConsoleLoggerOptions.MaxQueueLength"/>, default 2,500 lines): when it is full a
/// producer waits (<see cref="ConsoleLoggerQueueFullMode.Wait"/>, the default) or its line is dropped and counted
/// (<see cref="ConsoleLoggerQueueFullMode.DropWrite"/>). Once disposed, lines are written on the caller's thread.
/// A write that fails (a closed pipe) drops its batch, counted in <see cref="Dropped"/>; logging must not take the
/// process down.
/// </remarks>
internal sealed class BulwarkJsonConsoleWriter : IDisposable
{
    // Lines taken from the queue per write: bounds the time a full queue waits for room.
    private const int MaxBatchLines = 512;

    private const int OutputBufferBytes = 64 * 1024;

    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(2);

    private readonly Queue<BulwarkJsonLogLine> _queue = new();
    private readonly object _sync = new();
    private readonly Stream _output;
    private readonly byte[] _buffer = new byte[OutputBufferBytes];
    private readonly Lock _outputLock = new();
    private readonly Thread _thread;
    private readonly int _maxQueueLength;
    private readonly bool _dropWhenFull;

    private bool _writerIdle;
    private int _waitingProducers;
    private bool _completed;
    private long _dropped;

    /// <summary>Starts the writer thread.</summary>
    /// <param name="output">Where lines go: standard output in the application, a capturing stream in tests.</param>
    /// <param name="maxQueueLength">Lines that may wait; at least 1.</param>
    /// <param name="dropWhenFull"><see langword="true"/> to drop a line that finds the queue full instead of waiting.</param>
    public BulwarkJsonConsoleWriter(Stream output, int maxQueueLength, bool dropWhenFull)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueueLength, 1);
        _output = output;
        _maxQueueLength = maxQueueLength;
        _dropWhenFull = dropWhenFull;
        _thread = new Thread(Run) { IsBackground = true, Name = "Bulwark JSON console" };
        _thread.Start();
    }

    /// <summary>Gets how many lines were dropped because the queue was full or the output failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a line; the writer gives its array back to the pool once written.</summary>
    public void Enqueue(BulwarkJsonLogLine line)
    {
        lock (_sync)
        {
            while (!_completed && _queue.Count >= _maxQueueLength)
            {
                if (_dropWhenFull)
                {
                    Interlocked.Increment(ref _dropped);
                    line.Return();
                    return;
                }

                _waitingProducers++;
                Monitor.Wait(_sync);
                _waitingProducers--;
            }

            if (!_completed)
            {
                _queue.Enqueue(line);
                if (_writerIdle)
                {
                    _writerIdle = false;
                    Monitor.PulseAll(_sync);
                }

                return;
            }
        }

        // Disposed: nobody is left to write it later.
        WriteBatch([line]);
    }

    /// <summary>Writes what is queued and stops the thread, waiting for it up to two seconds.</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            _completed = true;
            Monitor.PulseAll(_sync);
        }

        _thread.Join(DisposeWait);
    }

    private void Run()
    {
        var batch = new List<BulwarkJsonLogLine>(MaxBatchLines);
        while (true)
        {
            lock (_sync)
            {
                while (_queue.Count == 0)
                {
                    if (_completed)
                    {
                        return;
                    }

                    _writerIdle = true;
                    Monitor.Wait(_sync);
                }

                _writerIdle = false;
                while (batch.Count < MaxBatchLines && _queue.TryDequeue(out var line))
                {
                    batch.Add(line);
                }

                if (_waitingProducers > 0)
                {
                    Monitor.PulseAll(_sync);
                }
            }

            WriteBatch(batch);
            batch.Clear();
        }
    }

    private void WriteBatch(IReadOnlyList<BulwarkJsonLogLine> batch)
    {
        lock (_outputLock)
        {
            try
            {
                int buffered = 0;
                foreach (var line in batch)
                {
                    var bytes = line.Span;
                    if (buffered + bytes.Length > _buffer.Length)
                    {
                        _output.Write(_buffer, 0, buffered);
                        buffered = 0;
                    }

                    if (bytes.Length > _buffer.Length)
                    {
                        _output.Write(bytes);
                    }
                    else
                    {
                        bytes.CopyTo(_buffer.AsSpan(buffered));
                        buffered += bytes.Length;
                    }
                }

                if (buffered > 0)
                {
                    _output.Write(_buffer, 0, buffered);
                }

                _output.Flush();
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or NotSupportedException)
            {
                // Some lines of the batch may have gone out; none can be confirmed.
                Interlocked.Add(ref _dropped, batch.Count);
            }
            finally
            {
                foreach (var line in batch)
                {
                    line.Return();
                }
            }
        }
    }
}
