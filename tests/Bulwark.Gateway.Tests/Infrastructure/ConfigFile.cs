namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// A gateway configuration file in a directory of its own (so the gateway's watcher sees only it), replaced as editors
/// and deploy tools do: written beside it, then renamed over it. Deleted with its directory on dispose.
/// </summary>
internal sealed class ConfigFile : IDisposable
{
    private readonly DirectoryInfo _directory;

    private ConfigFile(DirectoryInfo directory, string json)
    {
        _directory = directory;
        Path = System.IO.Path.Combine(directory.FullName, "bulwark.json");
        File.WriteAllText(Path, json);
    }

    public string Path { get; }

    public static ConfigFile Create(string json) => new(Directory.CreateTempSubdirectory("bulwark-reload-"), json);

    /// <summary>Replaces the file's content in one step (write beside, rename over).</summary>
    public void Replace(string json)
    {
        string next = Path + ".next";
        File.WriteAllText(next, json);
        File.Move(next, Path, overwrite: true);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
