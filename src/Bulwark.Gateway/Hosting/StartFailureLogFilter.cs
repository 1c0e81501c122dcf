namespace Bulwark.Gateway.Hosting;

/// <summary>
/// While <c>bulwark serve</c> starts listening, keeps the generic host's own errors ("Hosting failed to start", with the
/// exception and its stack) out of the log: a failure to listen is reported as one line by the command instead. Any
/// other failure to start is thrown on, whole. After a failure to listen nothing of the host is written while it is
/// disposed (<see cref="FailedToListen"/>). Once the host has started, its errors are logged as usual.
/// </summary>
internal sealed class StartFailureLogFilter
{
    /// <summary>The category the generic host logs its start failures under.</summary>
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    private volatile bool _starting;
    private volatile bool _failedToListen;

    /// <summary>Gets or sets a value indicating whether the host is starting (its errors held back).</summary>
    public bool Starting
    {
        get => _starting;
        set => _starting = value;
    }

    /// <summary>
    /// Gets or sets a value indicating whether the host failed to listen and is being torn down: then none of its entries
    /// is written, Critical ones included (a background service cancelled by the teardown is reported as "BackgroundService
    /// failed" and, at Critical, as stopping the host, each with its stack).
    /// </summary>
    public bool FailedToListen
    {
        get => _failedToListen;
        set => _failedToListen = value;
    }

    /// <summary>Whether an entry of the host's category at <paramref name="level"/> is written, given <paramref name="minimum"/>.</summary>
    public bool Allows(LogLevel level, LogLevel minimum) => !_failedToListen && level >= minimum && (!_starting || level >= LogLevel.Critical);
}
