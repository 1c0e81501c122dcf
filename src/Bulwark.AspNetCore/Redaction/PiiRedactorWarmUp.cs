using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Redaction;

/// <summary>
/// Builds the redactor's regular expressions in the background once the host has started (the server listening), so
/// that neither the start nor the first request that needs one waits for them.
/// </summary>
/// <remarks>
/// An expression that fails to build (it would fail again at its first use, inside logging) is logged here as soon as the
/// warm-up meets it.
/// </remarks>
internal sealed partial class PiiRedactorWarmUp(PiiRedactor redactor, ILogger<PiiRedactorWarmUp> logger) : IHostedLifecycleService
{
    /// <summary>Gets the background warm-up once started (tests wait for it).</summary>
    internal Task? Warming { get; private set; }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        Warming = Task.Run(WarmUp, CancellationToken.None);
        return Task.CompletedTask;
    }

    private void WarmUp()
    {
        try
        {
            redactor.WarmUp();
        }
#pragma warning disable CA1031 // Logged, not thrown: nobody awaits the warm-up, and the redactor rethrows at first use.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.WarmUpFailed(logger, e);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RedactionWarmUpFailed, Level = LogLevel.Error, Message = "A redaction expression could not be built; the redactor fails where it needs it")]
        public static partial void WarmUpFailed(ILogger logger, Exception exception);
    }
}
