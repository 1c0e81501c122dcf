using Bulwark.Gateway.Requests;

namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// Where a buffered request body spills past 64 KiB, and where larger bodies are spooled for retries:
/// <c>Bulwark:Spool:Directory</c>, else ASP.NET Core's choice (<c>ASPNETCORE_TEMP</c>, else the system temporary
/// directory) unless the host names one. Each file is opened delete-on-close and disposed with its request. Holds the
/// spool's quota (<c>Bulwark:Spool:MaxBytes</c>).
/// </summary>
internal sealed class BodyBufferDirectory
{
    public BodyBufferDirectory(string? path, long maxSpoolBytes = 0)
    {
        Path = path ?? Environment.GetEnvironmentVariable("ASPNETCORE_TEMP") ?? System.IO.Path.GetTempPath();
        string directory = Path;
        Accessor = () => directory;
        Quota = new SpoolQuota(maxSpoolBytes);
    }

    public string Path { get; }

    public Func<string> Accessor { get; }

    public SpoolQuota Quota { get; }
}
