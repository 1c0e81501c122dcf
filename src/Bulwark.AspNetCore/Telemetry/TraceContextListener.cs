using System.Diagnostics;
using Microsoft.Extensions.Hosting;

namespace Bulwark.AspNetCore.Telemetry;

/// <summary>
/// While the host runs, asks ASP.NET Core's activity source (<c>Microsoft.AspNetCore</c>) for the request activity with
/// <see cref="ActivitySamplingResult.PropagationData"/>: it exists (the client's trace continued; trace and span ids in
/// the log scopes, the trace id as correlation id, <c>traceparent</c> to the providers) but is not recorded, so it gets
/// no tags. Bulwark's own source gets no listener, so Bulwark builds no span at all (no request span, tags or attempt
/// spans: nothing would record them). Registered by <c>AddBulwarkTelemetry</c> when nothing exports traces; a tracer
/// provider the application adds still samples both sources in full (the strongest result wins).
/// </summary>
internal sealed class TraceContextListener : IHostedLifecycleService, IDisposable
{
    private ActivityListener? _listener;

    // Starting: before any hosted service starts, the server included, so no request arrives before the listener.
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _listener ??= new ActivityListener
        {
            ShouldListenTo = static source => source.Name == "Microsoft.AspNetCore",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            SampleUsingParentId = static (ref ActivityCreationOptions<string> _) => ActivitySamplingResult.PropagationData,
        };
        ActivitySource.AddActivityListener(_listener);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Stopped: after the server has stopped, so the last requests keep their context.
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _listener?.Dispose();
        _listener = null;
    }
}
