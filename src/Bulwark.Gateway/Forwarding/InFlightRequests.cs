using System.Collections.Concurrent;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// The forwarded requests in flight, so that a graceful shutdown can wait for them, and cancel and name those still
/// running at its deadline. Also the switch that makes the gateway refuse new requests once draining.
/// </summary>
internal sealed class InFlightRequests
{
    private readonly ConcurrentDictionary<HttpContext, byte> _requests = new();
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private int _watching;
    private int _refusing;

    /// <summary>Gets the number of forwarded requests in flight.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets a value indicating whether new requests are refused (the drain delay is over).</summary>
    public bool IsRefusing => Volatile.Read(ref _refusing) != 0;

    public void Refuse() => Volatile.Write(ref _refusing, 1);

    /// <summary>
    /// Counts <paramref name="context"/> as in flight until the returned value is disposed. The forwarding handler holds
    /// it for the whole request in its own async method (a wrapping async method would cost one more state machine per
    /// request), and then checks <see cref="IsRefusing"/>.
    /// </summary>
    public Tracked Enter(HttpContext context)
    {
        Interlocked.Increment(ref _count);
        _requests.TryAdd(context, 0);
        return new Tracked(this, context);
    }

    /// <summary>Completes when no request is in flight; meant for the shutdown, once new requests can no longer start.</summary>
    public Task WhenIdleAsync()
    {
        Volatile.Write(ref _watching, 1);
        if (Volatile.Read(ref _count) == 0)
        {
            _idle.TrySetResult();
        }

        return _idle.Task;
    }

    /// <summary>The requests in flight now.</summary>
    public HttpContext[] Snapshot() => [.. _requests.Keys];

    private void Exit(HttpContext context)
    {
        _requests.TryRemove(context, out _);
        if (Interlocked.Decrement(ref _count) == 0 && Volatile.Read(ref _watching) != 0)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>One request counted as in flight; disposing it (once) ends that. The default value counts nothing.</summary>
    public readonly struct Tracked : IDisposable
    {
        private readonly InFlightRequests? _requests;
        private readonly HttpContext? _context;

        internal Tracked(InFlightRequests requests, HttpContext context)
        {
            _requests = requests;
            _context = context;
        }

        public void Dispose() => _requests?.Exit(_context!);
    }
}
