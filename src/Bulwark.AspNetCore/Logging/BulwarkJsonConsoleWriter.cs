using Microsoft.Extensions.Logging.Console;

namespace Bulwark.AspNetCore.Logging;

/// <summary>
/// Writes log lines to a stream (standard output) from one background thread, as many lines per write as are waiting.
/// The console logger writes and flushes each line on its own — one system call and one wake-up of its thread per
/// line, which under load cost the gateway a large share of its CPU. Here a producer wakes the writer only when it is
/// idle, and the writer, once woken, lets the first line wait up to a linger time (2 ms by default) for others to share
/// its write, unless a batch's worth is already waiting: under load that is one write and one wake-up per linger time
/// instead of one per line or two, and no line is held back longer than that. Every write is flushed at once.
/// </summary>
/// <remarks>
/// The queue is bounded (<see cref="ConsoleLoggerOptions.MaxQueueLength"/>, default 2,500 lines): when it is full a
/// producer waits (<see cref="ConsoleLoggerQueueFullMode.Wait"/>, the default) or its line is dropped and counted
/// (<see cref="ConsoleLoggerQueueFullMode.DropWrite"/>); after its next write the writer writes a warning line saying
/// how many were dropped. Once disposed, lines are written on the caller's thread. A write that throws drops its batch, counted in
/// <see cref="Dropped"/>: logging must not take the process down. (Standard output on Unix ignores a closed pipe:
/// such lines are lost without an error.)
/// </remarks>
internal sealed class BulwarkJsonConsoleWriter : IDisposable
{
    // Lines taken from the queue per write: bounds the time a full queue waits for room.
    private const int MaxBatchLines = 512;

    // Lines waiting that end the linger at once: a batch this large gains nothing from waiting for more.
    private const int LingerUntilLines = 256;

    private const int OutputBufferBytes = 64 * 1024;

    /// <summary>How long the first line of a write waits for others by default.</summary>
    internal static readonly TimeSpan DefaultLinger = TimeSpan.FromMilliseconds(2);

    private static readonly TimeSpan DefaultDisposeWait = TimeSpan.FromSeconds(2);

    private readonly Queue<BulwarkJsonLogLine> _queue = new();
    private readonly object _sync = new();
    private readonly Stream _output;
    private readonly byte[] _buffer = new byte[OutputBufferBytes];
    private readonly Lock _outputLock = new();
    private readonly Thread _thread;
    private readonly int _maxQueueLength;
    private readonly bool _dropWhenFull;
    private readonly Func<long, BulwarkJsonLogLine>? _droppedLine;
    private readonly TimeSpan _disposeWait;
    private readonly TimeSpan _linger;
    private readonly int _lingerUntilLines;

    private bool _writerIdle;
    private bool _writerLingering;
    private int _waitingProducers;
    private bool _completed;
    private long _dropped;
    private long _droppedReported;

    /// <summary>Starts the writer thread.</summary>
    /// <param name="output">Where lines go: standard output in the application, a capturing stream in tests.</param>
    /// <param name="maxQueueLength">Lines that may wait; at least 1.</param>
    /// <param name="dropWhenFull"><see langword="true"/> to drop a line that finds the queue full instead of waiting.</param>
    /// <param name="droppedLine">
    /// Makes the warning line written after a write when lines were dropped since the last one, from their count (the
    /// provider formats it like any entry); <see langword="null"/>: drops are only counted.
    /// </param>
    /// <param name="disposeWait">How long <see cref="Dispose"/> waits for the queue to be written; two seconds when <see langword="null"/>.</param>
    /// <param name="linger">
    /// How long the first line of a write waits for others (<see cref="DefaultLinger"/> when <see langword="null"/>;
    /// <see cref="TimeSpan.Zero"/>: each write takes what is waiting when the writer wakes; at most
    /// <see cref="int.MaxValue"/> milliseconds).
    /// </param>
    public BulwarkJsonConsoleWriter(Stream output, int maxQueueLength, bool dropWhenFull, Func<long, BulwarkJsonLogLine>? droppedLine = null, TimeSpan? disposeWait = null, TimeSpan? linger = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueueLength, 1);
        _output = output;
        _maxQueueLength = maxQueueLength;
        _dropWhenFull = dropWhenFull;
        _droppedLine = droppedLine;
        _disposeWait = disposeWait ?? DefaultDisposeWait;
        _linger = linger ?? DefaultLinger;
        ArgumentOutOfRangeException.ThrowIfLessThan(_linger, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_linger, TimeSpan.FromMilliseconds(int.MaxValue));

        // A queue smaller than a batch ends the linger when full, so a waiting producer never waits out the linger.
        _lingerUntilLines = Math.Min(LingerUntilLines, maxQueueLength);
        _thread = new Thread(Run) { IsBackground = true, Name = "Bulwark JSON console" };
        _thread.Start();
    }

    /// <summary>Gets how many lines were dropped because the queue was full or the output failed.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Gets how many lines may wait in the queue.</summary>
    internal int MaxQueueLength => _maxQueueLength;

    /// <summary>Gets whether a line that finds the queue full is dropped (rather than waiting).</summary>
    internal bool DropsWhenFull => _dropWhenFull;

    /// <summary>Gets how many producers are waiting for room in the queue.</summary>
    internal int WaitingProducers
    {
        get
        {
            lock (_sync)
            {
                return _waitingProducers;
            }
        }
    }

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
                try
                {
                    Monitor.Wait(_sync);
                }
                finally
                {
                    _waitingProducers--;
                }
            }

            if (!_completed)
            {
                _queue.Enqueue(line);
                if (_writerIdle)
                {
                    _writerIdle = false;
                    Monitor.PulseAll(_sync);
                }
                else if (_writerLingering && _queue.Count >= _lingerUntilLines)
                {
                    _writerLingering = false;
                    Monitor.PulseAll(_sync);
                }

                return;
            }
        }

        // Disposed: nobody is left to write it later.
        WriteBatch([line]);
    }

    /// <summary>Writes what is queued and stops the thread, waiting for it up to the dispose wait (two seconds by default).</summary>
    public void Dispose()
    {
        lock (_sync)
        {
            _completed = true;
            Monitor.PulseAll(_sync);
        }

        _thread.Join(_disposeWait);
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
                if (_linger > TimeSpan.Zero && !_completed && _queue.Count < _lingerUntilLines)
                {
                    // Woken by the first line: let it wait a little for company (a pulse ends the wait early when a
                    // batch's worth arrives, or at dispose).
                    _writerLingering = true;
                    Monitor.Wait(_sync, _linger);
                    _writerLingering = false;
                }

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
            ReportDropped();
        }
    }

    // One warning line for the lines dropped since the last one, written by the writer thread itself (never queued: in
    // Wait mode the writer must not wait for room it alone makes).
    private void ReportDropped()
    {
        long dropped = Interlocked.Read(ref _dropped);
        long unreported = dropped - _droppedReported;
        if (unreported > 0 && _droppedLine is { } line)
        {
            _droppedReported = dropped;
            WriteBatch([line(unreported)]);
        }
    }

    private void WriteBatch(IReadOnlyList<BulwarkJsonLogLine> batch)
    {
        lock (_outputLock)
        {
            try
            {
                int buffered = 0;

                // Indexed, here and below: a foreach over the IReadOnlyList would box its enumerator on every batch.
                for (int i = 0; i < batch.Count; i++)
                {
                    var bytes = batch[i].Span;
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
            catch (Exception)
            {
                // Some lines of the batch may have gone out; none can be confirmed.
                Interlocked.Add(ref _dropped, batch.Count);
            }
            finally
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    batch[i].Return();
                }
            }
        }
    }
}
