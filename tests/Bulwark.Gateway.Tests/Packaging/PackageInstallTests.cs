using System.IO.Compression;
using System.Text;
using System.Xml.Linq;
using Bulwark.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Bulwark.Gateway.Tests.Packaging;

/// <summary>
/// SLOW (about 2–4 minutes on 2 cores; bounded at 10): <c>dotnet pack -c Release</c> of every package, from a copy of the
/// sources with no build output (as a clean clone) in a git repository whose remote is on GitHub; then, from that folder
/// as a package feed (beside the machine's usual source), a throwaway console application that calls <c>AddBulwark</c>
/// builds and runs, and <c>dotnet tool install Bulwark.Gateway</c> gives a <c>bulwark</c> that answers <c>--help</c> and
/// <c>check-config</c>. Packages restore into a private folder, so an earlier run's packages are never reused.
/// </summary>
[Collection(PackagingCollection.Name)]
[Trait("Category", "Slow")]
public sealed class PackageInstallTests : IDisposable
{
    private const string Remote = "https://github.com/example/bulwark";
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(6);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);
    private static readonly string[] Packages = ["Bulwark", "Bulwark.AspNetCore", "Bulwark.AspNetCore.Prometheus", "Bulwark.Storage.Sqlite", "Bulwark.Gateway"];

    private readonly string _root = Path.Combine(Path.GetTempPath(), $"bulwark-packaging-{Guid.NewGuid():N}");
    private readonly ITestOutputHelper _output;

    public PackageInstallTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Pack_CleanClone_EveryPackageIsComplete_AConsumerBuildsFromTheFeed_AndTheToolInstallsAsBulwark()
    {
        string source = Path.Combine(_root, "source");
        string feed = Path.Combine(_root, "feed");
        CopySources(source);
        await GitAsync(source, "init", "-q", "-b", "main");
        await GitAsync(source, "add", "-A");
        await GitAsync(source, "-c", "user.name=Bulwark", "-c", "user.email=bulwark@example.invalid", "commit", "-q", "-m", "packaging test");
        await GitAsync(source, "remote", "add", "origin", Remote + ".git");
        string commit = (await GitAsync(source, "rev-parse", "HEAD")).Output.Trim();

        // A solution of the packages alone: the repository's also builds the tests and benchmarks, which pack nothing.
        await DotnetAsync(source, StepTimeout, "new", "sln", "-n", "Packages");
        await DotnetAsync(source, StepTimeout, ["sln", "Packages.slnx", "add", .. Packages.Select(p => $"src/{p}/{p}.csproj")]);
        var pack = await DotnetAsync(source, PackTimeout, ["pack", "Packages.slnx", "-c", "Release", "-o", feed], new Dictionary<string, string?> { ["CI"] = "true" });
        _output.WriteLine($"dotnet pack -c Release: {pack.Elapsed.TotalSeconds:0.0} s");

        foreach (string id in Packages)
        {
            string version = id == "Bulwark.AspNetCore.Prometheus" ? "1.0.0-beta.1" : "1.0.0";
            AssertPackage(Path.Combine(feed, $"{id}.{version}.nupkg"), Path.Combine(feed, $"{id}.{version}.snupkg"), id, version, commit);
        }

        // The consumer and the tool restore into a private folder, from the feed (Bulwark's packages only) and the
        // machine's own sources (everything else), with the machine's package folder as a read-only fallback.
        string packages = Path.Combine(_root, "packages");
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = packages };
        string consumer = Path.Combine(_root, "consumer");
        var sources = (await DotnetAsync(_root, StepTimeout, "nuget", "list", "source", "--format", "short")).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(static l => l.StartsWith("E ", StringComparison.Ordinal))
            .Select(static l => l[2..].Trim())
            .ToList();
        WriteConsumer(consumer, feed, sources);
        var built = await DotnetAsync(consumer, StepTimeout, ["build", "-c", "Release"], environment);
        _output.WriteLine($"consumer restore and build: {built.Elapsed.TotalSeconds:0.0} s");
        var ran = await DotnetAsync(consumer, StepTimeout, ["bin/Release/net10.0/Consumer.dll"], environment);
        Assert.Contains("AddBulwark: pipeline 'default' with a breaker", ran.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(consumer, "data", "consumer.db")), "the SQLite store package did not create its file");

        string tools = Path.Combine(_root, "tools");
        // From outside the consumer: --add-source cannot be combined with its source mapping.
        var installed = await DotnetAsync(_root, StepTimeout, ["tool", "install", "--tool-path", tools, "Bulwark.Gateway", "--version", "1.0.0", "--add-source", feed], environment);
        _output.WriteLine($"dotnet tool install: {installed.Elapsed.TotalSeconds:0.0} s");
        string bulwark = Path.Combine(tools, "bulwark");
        Assert.True(File.Exists(bulwark), "the tool installed no 'bulwark' command:\n" + installed.Output);

        var help = await ProcessRun.RunAsync(bulwark, ["--help"], consumer, StepTimeout);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("bulwark [command] [options]", help.Output, StringComparison.Ordinal);

        string config = Path.Combine(consumer, "bulwark.json");
        await File.WriteAllTextAsync(config, """{ "Bulwark": { "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } }, "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ] } }""");
        var check = await ProcessRun.RunAsync(bulwark, ["check-config", "--config", config], consumer, StepTimeout);
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("valid (1 route(s), 1 provider(s)", check.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>What a clean clone has: the sources and build files, none of a build's output.</summary>
    private static void CopySources(string destination)
    {
        foreach (string file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", "LICENSE", ".editorconfig", "eng/BannedSymbols.txt" })
        {
            Copy(RepositoryFiles.PathOf(file), Path.Combine(destination, file));
        }

        string src = RepositoryFiles.PathOf("src");
        foreach (string file in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(src, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(static part => part is "bin" or "obj"))
            {
                continue;
            }

            Copy(file, Path.Combine(destination, "src", relative));
        }
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to);
    }

    private static void AssertPackage(string nupkg, string snupkg, string id, string version, string commit)
    {
        Assert.True(File.Exists(nupkg), $"no package {nupkg}");
        Assert.True(File.Exists(snupkg), $"no symbol package {snupkg}");
        using var package = ZipFile.OpenRead(nupkg);
        var nuspec = XDocument.Load(package.GetEntry($"{id}.nuspec")!.Open());
        XNamespace ns = nuspec.Root!.Name.Namespace;
        var metadata = nuspec.Root.Element(ns + "metadata")!;
        Assert.Equal(version, metadata.Element(ns + "version")!.Value);
        Assert.Equal("MIT", metadata.Element(ns + "license")!.Value);
        Assert.Equal("README.md", metadata.Element(ns + "readme")!.Value);
        Assert.Contains("resilience", metadata.Element(ns + "tags")!.Value, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value));
        var repository = metadata.Element(ns + "repository")!;
        Assert.Equal(Remote + ".git", repository.Attribute("url")!.Value);
        Assert.Equal(commit, repository.Attribute("commit")!.Value);
        Assert.NotNull(package.GetEntry("README.md"));
        Assert.NotNull(package.GetEntry("LICENSE"));
        if (id == "Bulwark.Gateway")
        {
            Assert.NotNull(package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml"));
            Assert.Contains("bulwark", Read(package, "tools/net10.0/any/DotnetToolSettings.xml"), StringComparison.Ordinal);
            Assert.Empty(metadata.Descendants(ns + "dependency"));
        }
        else
        {
            Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.dll"));
            Assert.NotNull(package.GetEntry($"lib/net10.0/{id}.xml"));

            // A stable package never depends on a prerelease one (NU5104).
            if (!version.Contains('-', StringComparison.Ordinal))
            {
                Assert.All(metadata.Descendants(ns + "dependency"), d => Assert.DoesNotContain("-", d.Attribute("version")!.Value, StringComparison.Ordinal));
            }
        }

        // SourceLink: the symbols map the sources (paths made deterministic, /_/) to the commit on the remote.
        using var symbols = ZipFile.OpenRead(snupkg);
        string pdbPath = id == "Bulwark.Gateway" ? "tools/net10.0/any/Bulwark.Gateway.pdb" : $"lib/net10.0/{id}.pdb";
        using var pdb = new MemoryStream();
        symbols.GetEntry(pdbPath)!.Open().CopyTo(pdb);
        string expected = $"\"/_/*\":\"https://raw.githubusercontent.com/example/bulwark/{commit}/*\"";
        Assert.True(pdb.ToArray().AsSpan().IndexOf(Encoding.UTF8.GetBytes(expected)) >= 0, $"{pdbPath} carries no SourceLink to {commit}");
    }

    private static string Read(ZipArchive archive, string entry)
    {
        using var reader = new StreamReader(archive.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }

    private static void WriteConsumer(string directory, string feed, IReadOnlyList<string> machineSources)
    {
        Directory.CreateDirectory(directory);
        string fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="bulwark-local" value="{feed}" />
            {string.Concat(machineSources.Select((url, i) => $"    <add key=\"machine-{i}\" value=\"{url}\" />\n"))}  </packageSources>
              <packageSourceMapping>
                <packageSource key="bulwark-local">
                  <package pattern="Bulwark" />
                  <package pattern="Bulwark.*" />
                </packageSource>
            {string.Concat(machineSources.Select((_, i) => $"    <packageSource key=\"machine-{i}\"><package pattern=\"*\" /></packageSource>\n"))}  </packageSourceMapping>
              <fallbackPackageFolders>
                <add key="machine" value="{fallback}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Consumer.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Bulwark" Version="1.0.0" />
                <PackageReference Include="Bulwark.AspNetCore" Version="1.0.0" />
                <PackageReference Include="Bulwark.AspNetCore.Prometheus" Version="1.0.0-beta.1" />
                <PackageReference Include="Bulwark.Storage.Sqlite" Version="1.0.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using Bulwark.Pipelines;
            using Microsoft.Extensions.Configuration;
            using Microsoft.Extensions.DependencyInjection;

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Bulwark:Pipelines:default:Retry:MaxRetries"] = "2",
                ["Bulwark:Pipelines:default:CircuitBreaker:Mode"] = "Adaptive",
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddBulwark(configuration.GetSection("Bulwark"));
            services.AddBulwarkSqliteStore(o => o.Path = "data/consumer.db");
            services.AddBulwarkTelemetry(configuration);
            services.AddBulwarkPrometheusExporter();
            await using var provider = services.BuildServiceProvider();
            var pipeline = provider.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline("default");
            int answer = await pipeline.ExecuteAsync(static _ => ValueTask.FromResult(42));
            _ = provider.GetRequiredService<Bulwark.Storage.Sqlite.SqliteBulwarkStore>();
            Console.WriteLine($"AddBulwark: pipeline '{pipeline.Name}' with a breaker: {pipeline.CircuitBreaker is not null}; answered {answer}");
            """);
    }

    private async Task<ProcessRun.Result> GitAsync(string directory, params string[] arguments)
    {
        var result = await ProcessRun.RunAsync("git", arguments, directory, StepTimeout);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)}: {result}");
        return result;
    }

    private async Task<ProcessRun.Result> DotnetAsync(string directory, TimeSpan timeout, string[] arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = await ProcessRun.RunAsync("dotnet", arguments, directory, timeout, environment);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', arguments)}: {result}");
        return result;
    }

    private Task<ProcessRun.Result> DotnetAsync(string directory, TimeSpan timeout, params string[] arguments) => DotnetAsync(directory, timeout, arguments, null);
}
