using Microsoft.Extensions.Hosting;

namespace Bulwark.AspNetCore.Redaction;

/// <summary>
/// Builds the redactor's regular expressions in the background once the host has started (the server listening), so
/// that neither the start nor the first request that needs one waits for them.
/// </summary>
internal sealed class PiiRedactorWarmUp(PiiRedactor redactor) : IHostedLifecycleService
{
    /// <summary>Gets the background warm-up once started (tests wait for it).</summary>
    internal Task? Warming { get; private set; }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        Warming = Task.Run(redactor.WarmUp, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
