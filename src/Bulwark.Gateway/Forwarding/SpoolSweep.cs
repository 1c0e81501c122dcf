using Bulwark.Gateway.Requests;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// At start, removes the spool files a killed gateway left in the spool directory (those no running gateway holds), and
/// logs what it removed.
/// </summary>
internal sealed partial class SpoolSweep(BodyBufferDirectory directory, ILogger<SpoolSweep> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (files, bytes, failure) = SpoolFiles.Sweep(directory.Path);
        if (files > 0)
        {
            Log.Swept(logger, files, bytes, directory.Path);
        }

        if (failure is not null)
        {
            Log.SweepFailed(logger, directory.Path, failure.Message);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.SpoolSwept, Level = LogLevel.Information, Message = "Removed {Files} spool file(s) ({Bytes} bytes) left by a gateway that stopped without cleaning up, from {Directory}")]
        public static partial void Swept(ILogger logger, int files, long bytes, string directory);

        [LoggerMessage(EventId = EventIds.SpoolSweepFailed, Level = LogLevel.Warning, Message = "Could not remove every spool file left in {Directory}: {Reason}")]
        public static partial void SweepFailed(ILogger logger, string directory, string reason);
    }
}
