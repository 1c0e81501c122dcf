namespace Bulwark.Gateway.Forwarding;

/// <summary>
/// Where a buffered request body spills past 64 KiB: ASP.NET Core's choice (<c>ASPNETCORE_TEMP</c>, else the system
/// temporary directory) unless the host names one. Each file is opened delete-on-close and disposed with its request.
/// </summary>
internal sealed class BodyBufferDirectory
{
    public BodyBufferDirectory(string? path)
    {
        string directory = path ?? Environment.GetEnvironmentVariable("ASPNETCORE_TEMP") ?? Path.GetTempPath();
        Accessor = () => directory;
    }

    public Func<string> Accessor { get; }
}
