using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bulwark.AspNetCore.Redaction;

/// <summary>
/// Builds the redactor's regular expressions in the background a moment after the host has started (the server
/// listening), so that the start does not wait for them, nor do the first requests compete with them for the processor
/// (building all of them takes a few hundred milliseconds of one core). A text that needs an expression before then
/// builds that one itself.
/// </summary>
/// <remarks>
/// An expression that fails to build (it would fail again at its first use, inside logging) is logged here as soon as the
/// warm-up meets it. Stopping or disposing the host before the warm-up began cancels it.
/// </remarks>
internal sealed partial class PiiRedactorWarmUp(PiiRedactor redactor, ILogger<PiiRedactorWarmUp> logger, TimeProvider? timeProvider = null) : IHostedLifecycleService, IDisposable
{
    /// <summary>How long after the host has started the warm-up begins: the first requests go first.</summary>
    internal static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();

    /// <summary>Gets the background warm-up once started (tests wait for it).</summary>
    internal Task? Warming { get; private set; }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        Warming = WarmUpAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping.Cancel();
        return Task.CompletedTask;
    }

    // A host disposed without being stopped cancels the warm-up here. The source holds no timer, so it is left
    // undisposed: a StoppingAsync after Dispose still finds it usable.
    public void Dispose() => _stopping.Cancel();

    private async Task WarmUpAsync(CancellationToken stopping)
    {
        try
        {
            await Task.Delay(Delay, timeProvider ?? TimeProvider.System, stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await Task.Run(WarmUp, CancellationToken.None).ConfigureAwait(false);
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

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.RedactionWarmUpFailed, Level = LogLevel.Error, Message = "A redaction expression could not be built; the redactor fails where it needs it")]
        public static partial void WarmUpFailed(ILogger logger, Exception exception);
    }
}
