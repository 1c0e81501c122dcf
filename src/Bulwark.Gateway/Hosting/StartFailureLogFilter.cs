namespace Bulwark.Gateway.Hosting;

/// <summary>
/// While <c>bulwark serve</c> starts listening, keeps the generic host's own errors ("Hosting failed to start", with the
/// exception and its stack) out of the log: a failure to listen is reported as one line by the command instead. Any
/// other failure to start is thrown on, whole. After a failed start the filter stays on while the host is disposed:
/// a host that was never stopped logs its background services' cancellation as "BackgroundService failed". Once the
/// host has started, its errors are logged as usual.
/// </summary>
internal sealed class StartFailureLogFilter
{
    /// <summary>The category the generic host logs its start failures under.</summary>
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private volatile bool _starting;

    /// <summary>Gets or sets a value indicating whether the host is starting (its errors held back).</summary>
    public bool Starting
    {
        get => _starting;
        set => _starting = value;
    }

    /// <summary>Whether an entry of the host's category at <paramref name="level"/> is written, given <paramref name="minimum"/>.</summary>
    public bool Allows(LogLevel level, LogLevel minimum) => level >= minimum && (!_starting || level >= LogLevel.Critical);
}
