using System.Collections.Concurrent;

namespace Bulwark.Gateway.Hosting;

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

    /// <summary>Runs <paramref name="next"/> counted as in flight.</summary>
    public async Task TrackAsync(HttpContext context, RequestDelegate next)
    {
        Interlocked.Increment(ref _count);
        _requests.TryAdd(context, 0);
        try
        {
            // Checked again once counted: a request that passed the refusal middleware just before the drain began
            // may not have been counted when the drain found nothing in flight; it is refused rather than cut off.
            if (IsRefusing)
            {
                context.Response.Headers.Connection = "close";
                await Problems.GatewayProblem.ShuttingDown(Forwarding.ForwardingHandler.CorrelationIdOf(context.Request)).WriteAsync(context, 0).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        }
        finally
        {
            _requests.TryRemove(context, out _);
            if (Interlocked.Decrement(ref _count) == 0 && Volatile.Read(ref _watching) != 0)
            {
                _idle.TrySetResult();
            }
        }
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
}
