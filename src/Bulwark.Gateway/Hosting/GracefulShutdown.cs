using Bulwark.AspNetCore.Correlation;
using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Redaction;
using Bulwark.AspNetCore.Requests;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Forwarding;
using Bulwark.Gateway.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// Drains the gateway when the host stops (SIGTERM, SIGINT): reports not ready at once, keeps serving for the drain
/// delay, then refuses new requests and stops listening, waits for the requests in flight up to the drain timeout,
/// cancels and logs those left, and runs the <see cref="IDrainParticipant"/>s.
/// </summary>
/// <remarks>
/// It works in <see cref="StoppingAsync"/>, which the host runs before stopping any hosted service, so the server still
/// listens during the delay; stopping the server early is safe because the web host's own later stop is a no-op.
/// </remarks>
internal sealed partial class GracefulShutdown : IHostedLifecycleService
{
    private readonly BulwarkReadiness _readiness;
    private readonly InFlightRequests _requests;
    private readonly IServer _server;
    private readonly IEnumerable<IDrainParticipant> _participants;
    private readonly GatewayShutdownOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<GracefulShutdown> _logger;
    private int _cancelled;

    public GracefulShutdown(
        BulwarkReadiness readiness,
        InFlightRequests requests,
        IServer server,
        IEnumerable<IDrainParticipant> participants,
        IOptions<GatewayOptions> options,
        TimeProvider timeProvider,
        ILogger<GracefulShutdown> logger)
    {
        _readiness = readiness;
        _requests = requests;
        _server = server;
        _participants = participants;
        _options = options.Value.Shutdown;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Gets how many requests were still running at the drain deadline and were cancelled.</summary>
    public int CancelledRequests => Volatile.Read(ref _cancelled);

    /// <summary>The host's shutdown timeout that leaves the drain room: delay, timeout, and a margin for the rest.</summary>
    public static TimeSpan HostShutdownTimeout(GatewayShutdownOptions options) =>
        options.DrainDelay + options.DrainTimeout + TimeSpan.FromSeconds(10);

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _readiness.MarkDraining();
        Log.Draining(_logger, _options.DrainDelay.TotalSeconds, _requests.Count);
        try
        {
            await Task.Delay(_options.DrainDelay, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host stopped waiting: go straight on to refusing and draining.
        }

        _requests.Refuse();
        // Kestrel's own deadline (it then cuts every connection) comes after the drain's: the requests still running at
        // the drain timeout are the drain's to cancel and name. With both at once, Kestrel could end them first and the
        // drain would find nothing left, reporting a clean exit.
        using var deadline = new CancellationTokenSource(_options.DrainTimeout + GatewayConstants.ServerStopMargin, _timeProvider);
        var serverStopped = _server.StopAsync(deadline.Token);
        Log.StoppedListening(_logger, _requests.Count, _options.DrainTimeout.TotalSeconds);

        bool drained;
        try
        {
            await _requests.WhenIdleAsync().WaitAsync(_options.DrainTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            drained = true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            drained = false;
        }

        if (!drained)
        {
            var left = _requests.Snapshot();
            Volatile.Write(ref _cancelled, left.Length);
            foreach (var context in left)
            {
                try
                {
                    string correlationId = BulwarkCorrelation.Get(context)
                        ?? context.Features.Get<BulwarkRequestFeature>()?.CorrelationId
                        ?? "(none)";
                    Log.Cancelled(_logger, context.Request.Method, PiiRedactor.Default.Redact(context.Request.Path.Value ?? string.Empty), correlationId);
                    context.Abort();
                }
                catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
                {
                    // The request finished between the snapshot and now: nothing left to cancel.
                }
            }
        }
        else
        {
            Log.Drained(_logger);
        }

        try
        {
            await serverStopped.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The server's own stop aborts what is left; the host is out of time.
        }

        foreach (var participant in _participants)
        {
            await participant.DrainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.DrainStarted, Level = LogLevel.Information, Message = "Shutting down: /health/ready now answers 503; serving for {DrainDelaySeconds} s more so load balancers notice; {InFlight} request(s) in flight")]
        public static partial void Draining(ILogger logger, double drainDelaySeconds, int inFlight);

        [LoggerMessage(EventId = EventIds.StoppedListening, Level = LogLevel.Information, Message = "Stopped listening; new requests are refused; waiting up to {DrainTimeoutSeconds} s for {InFlight} request(s) in flight")]
        public static partial void StoppedListening(ILogger logger, int inFlight, double drainTimeoutSeconds);

        [LoggerMessage(EventId = EventIds.Drained, Level = LogLevel.Information, Message = "Drained: every request in flight finished")]
        public static partial void Drained(ILogger logger);

        [LoggerMessage(EventId = EventIds.DrainTimedOut, Level = LogLevel.Error, Message = "Drain timeout: cancelled {Method} {Path} still in flight; correlation id {CorrelationId}")]
        public static partial void Cancelled(ILogger logger, string method, string path, string correlationId);
    }
}
