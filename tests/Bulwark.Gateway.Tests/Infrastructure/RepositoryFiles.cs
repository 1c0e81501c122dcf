namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>The repository the tests run from: its root (the folder holding Bulwark.sln) and its files.</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = Find();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bulwark.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Bulwark.sln.");
    }
}
