using System.Text.RegularExpressions;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using FreePorts = Bulwark.Tests.Shared.FreePorts;

namespace Bulwark.Gateway.Tests.Packaging;

/// <summary>
/// The Dockerfile, without Docker (base images cannot be pulled here, and no Dockerfile linter is installed): its key
/// properties read from the file, every file its build stage copies present in the repository, and its runtime stage's
/// working directory, environment, command and health check run as the container would run them — with the gateway
/// built by this repository in place of the image's, and a free port in place of 8080.
/// </summary>
public partial class DockerfileTests
{
    private static readonly string Text = File.ReadAllText(RepositoryFiles.PathOf("Dockerfile"));

    [Fact]
    public void Dockerfile_IsMultiStage_RunsAsTheNonRootUser_On8080_WithAHealthCheckAndAStateVolume()
    {
        var stages = Instructions("FROM");
        Assert.Equal(2, stages.Count);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", stages[0], StringComparison.Ordinal);
        Assert.EndsWith(" AS build", stages[0], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", stages[1], StringComparison.Ordinal);

        string runtime = Text[Text.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        Assert.Equal(["$APP_UID"], Instructions("USER", runtime));
        Assert.Contains("ASPNETCORE_URLS=http://0.0.0.0:8080", Single("ENV", runtime), StringComparison.Ordinal);
        Assert.Equal(["8080"], Instructions("EXPOSE", runtime));
        Assert.Equal(["[\"/var/lib/bulwark\"]"], Instructions("VOLUME", runtime));
        Assert.Equal(["/var/lib/bulwark"], Instructions("WORKDIR", runtime));
        Assert.Contains("COPY --from=build /app /opt/bulwark", runtime, StringComparison.Ordinal);
        Assert.Contains("chown \"$APP_UID\" /var/lib/bulwark", runtime, StringComparison.Ordinal);
        Assert.Matches(HealthCheck(), Single("HEALTHCHECK", runtime));
        Assert.Equal(["[\"/opt/bulwark/bulwark\"]"], Instructions("ENTRYPOINT", runtime));
        Assert.Equal(["[\"serve\", \"--config\", \"/etc/bulwark/bulwark.json\"]"], Instructions("CMD", runtime));
    }

    [Fact]
    public void Dockerfile_BuildStage_CopiesFilesThatExist_AndTheProjectFileOfEverySourceProject()
    {
        string build = Text[..Text.LastIndexOf("\nFROM ", StringComparison.Ordinal)];
        var copied = Instructions("COPY", build).SelectMany(static c => c.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1]).ToList();

        Assert.All(copied, path => Assert.True(File.Exists(RepositoryFiles.PathOf(path)) || Directory.Exists(RepositoryFiles.PathOf(path)), $"the Dockerfile copies {path}, which does not exist"));
        var projects = Directory.EnumerateFiles(RepositoryFiles.PathOf("src"), "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepositoryFiles.Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(projects, copied.Where(static p => p.EndsWith(".csproj", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains("RUN dotnet publish src/Bulwark.Gateway/Bulwark.Gateway.csproj -c Release --no-restore -o /app", build, StringComparison.Ordinal);

        var ignored = File.ReadAllLines(RepositoryFiles.PathOf(".dockerignore"));
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
    }

    [Fact]
    public async Task Dockerfile_RuntimeStage_CommandServesFromTheWorkingDirectory_AndTheHealthCheckPasses()
    {
        string runtime = Text[Text.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        string workdir = Path.Combine(Path.GetTempPath(), $"bulwark-container-{Guid.NewGuid():N}");
        string etc = Path.Combine(workdir, "etc");
        Directory.CreateDirectory(etc);
        try
        {
            int port = FreePorts.Next();
            await File.WriteAllTextAsync(Path.Combine(etc, "bulwark.json"), """{ "Bulwark": { "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } }, "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ] } }""");
            string urls = Regex.Match(Single("ENV", runtime), @"ASPNETCORE_URLS=(\S+)").Groups[1].Value.Replace(":8080", $":{port}", StringComparison.Ordinal);
            var command = Json(Instructions("CMD", runtime).Single()).Select(a => a.Replace("/etc/bulwark", etc, StringComparison.Ordinal)).ToList();
            var health = Json(HealthCheck().Match(Single("HEALTHCHECK", runtime)).Groups["command"].Value)
                .Skip(1)
                .Select(a => a.Replace(":8080", $":{port}", StringComparison.Ordinal))
                .ToList();

            var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = workdir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(typeof(GatewayHost).Assembly.Location);
            command.ForEach(start.ArgumentList.Add);
            start.Environment["ASPNETCORE_URLS"] = urls;
            start.Environment.Remove("Bulwark__Storage__Path");
            using var gateway = System.Diagnostics.Process.Start(start)!;
            var output = Task.WhenAll(gateway.StandardOutput.ReadToEndAsync(), gateway.StandardError.ReadToEndAsync());
            try
            {
                ProcessRun.Result? check = null;
                await Poll.UntilAsync(
                    () =>
                    {
                        Assert.False(gateway.HasExited, "the container's command exited");
                        check = ProcessRun.RunAsync("dotnet", [typeof(GatewayHost).Assembly.Location, .. health], workdir, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
                        return check.ExitCode == 0;
                    },
                    "the container's health check to pass",
                    TimeSpan.FromSeconds(60));
                Assert.Contains("answered 200", check!.Output, StringComparison.Ordinal);
                Assert.True(File.Exists(Path.Combine(workdir, "data", "bulwark.db")), "the store is not under the working directory (the volume)");
            }
            finally
            {
                if (!gateway.HasExited)
                {
                    gateway.Kill(entireProcessTree: true);
                }

                await gateway.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                _ = await output;
            }
        }
        finally
        {
            Directory.Delete(workdir, recursive: true);
        }
    }

    /// <summary>Each instruction's arguments, with continued lines joined.</summary>
    private static List<string> Instructions(string name, string? text = null) =>
        [.. (text ?? Text).Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Select(static l => l.Trim())
            .Where(l => l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => Regex.Replace(l[(name.Length + 1)..], @"\s+", " ").Trim())];

    private static string Single(string name, string text) => Assert.Single(Instructions(name, text));

    private static string[] Json(string array) => System.Text.Json.JsonSerializer.Deserialize<string[]>(array)!;

    [GeneratedRegex("""^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD (?<command>\["/opt/bulwark/bulwark", "health", "--url", "http://127\.0\.0\.1:8080/health/live"\])$""")]
    private static partial Regex HealthCheck();
}
