namespace Bulwark.Gateway.Configuration;

/// <summary>
/// The gateway's <c>Bulwark:Spool</c> section: where request bodies too large for memory are kept so that every attempt
/// and failover can re-send them (bodies between <see cref="GatewayOptions.MaxBufferedBodyBytes"/> and
/// <see cref="GatewayOptions.MaxReplayableBodyBytes"/>, and buffered ones past 64 KiB), and how much of it they may take.
/// Read at start.
/// </summary>
public sealed class GatewaySpoolOptions
{
    /// <summary>
    /// Gets or sets the directory of the spool files (<c>bulwark-spool-*.tmp</c>). Each is removed when its request ends,
    /// however it ends; those left by a gateway that was killed are removed at the next start (a file still locked by a
    /// running gateway sharing the directory is left alone).
    /// </summary>
    /// <value>Defaults to <see langword="null"/>: <c>ASPNETCORE_TEMP</c>, else the system's temporary directory. An existing directory.</value>
    public string? Directory { get; set; }

    /// <summary>
    /// Gets or sets the most bytes all spooled bodies may hold at once. A body whose <c>Content-Length</c> does not fit
    /// what is left (or the free space of the directory's disk) is refused with 507 before anything is sent; a body of
    /// unknown length that outgrows it, or a disk that fills up, fails its request with 507.
    /// </summary>
    /// <value>Defaults to 0: no cap but the disk's free space. Range 0 to 1,125,899,906,842,624 (1 PiB).</value>
    public long MaxBytes { get; set; }
}
