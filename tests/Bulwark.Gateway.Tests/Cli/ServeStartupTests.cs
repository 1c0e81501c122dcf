using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Tests.Infrastructure;
using FreePorts = Bulwark.Tests.Shared.FreePorts;

namespace Bulwark.Gateway.Tests.Cli;

/// <summary>
/// A first run of <c>bulwark serve</c> as a process, from a working directory of its own: where it listens (and says so),
/// which file it loaded, where its store lives, and what it says when it cannot listen.
/// </summary>
public sealed class ServeStartupTests : IDisposable
{
    private const string Config = """{ "Bulwark": { "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } }, "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ] } }""";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"bulwark-first-run-{Guid.NewGuid():N}");

    public ServeStartupTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Serve_WithoutUrls_ListensWhereAspNetCoreUrlsSays_LogsEachAddressAndTheFile_AndKeepsItsStoreUnderTheWorkingDirectory()
    {
        int first = FreePorts.Next();
        int second = FreePorts.Next();
        string config = WriteConfig(Config);

        await using var gateway = await StartAsync(["serve", "--config", "bulwark.json"], new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{first};http://127.0.0.1:{second}" });
        await gateway.WaitLiveAsync(first);
        await gateway.WaitLiveAsync(second);
        await Poll.UntilAsync(() => gateway.Output.Contains("Configuration loaded from", StringComparison.Ordinal), "the start-up lines");

        string output = gateway.Output;
        Assert.Contains($"\"Message\":\"Listening on http://127.0.0.1:{first} (from ASPNETCORE_URLS)\"", output, StringComparison.Ordinal);
        Assert.Contains($"\"Message\":\"Listening on http://127.0.0.1:{second} (from ASPNETCORE_URLS)\"", output, StringComparison.Ordinal);
        Assert.Equal(2, Count(output, "\"EventName\":\"Listening\""));
        Assert.Contains($"\"Message\":\"Configuration loaded from {config}\"", output, StringComparison.Ordinal);

        // The default store path is relative to the working directory, never to the executable's.
        string store = Path.Combine(_directory, "data", "bulwark.db");
        Assert.True(File.Exists(store), "no store under the working directory:\n" + output);
        Assert.Contains($"\"Message\":\"Store: SQLite ({store})\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetDirectoryName(GatewayExecutable.Native ?? typeof(GatewayHost).Assembly.Location)!, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_UrlsFlag_WinsOverAspNetCoreUrls()
    {
        int flag = FreePorts.Next();
        int variable = FreePorts.Next();
        WriteConfig(Config);

        await using var gateway = await StartAsync(["serve", "--config", "bulwark.json", "--urls", $"http://127.0.0.1:{flag}"], new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{variable}" });
        await gateway.WaitLiveAsync(flag);

        Assert.Contains($"Listening on http://127.0.0.1:{flag} (from --urls)", gateway.Output, StringComparison.Ordinal);
        Assert.False(Accepts(variable), "the gateway also listens where ASPNETCORE_URLS says");
    }

    [Fact]
    public async Task Serve_NeitherFlagNorVariable_ListensWhereTheFileSays()
    {
        int port = FreePorts.Next();
        WriteConfig($$"""{ "Bulwark": { "Urls": "http://127.0.0.1:{{port}}", "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } }, "Routes": [ { "Path": "/api/{**rest}", "Providers": [ "p" ] } ] } }""");

        await using var gateway = await StartAsync(["serve", "--config", "bulwark.json"], new() { ["ASPNETCORE_URLS"] = null });
        await gateway.WaitLiveAsync(port);

        Assert.Contains($"Listening on http://127.0.0.1:{port} (from Bulwark:Urls)", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PortInUse_PrintsOneLineAndExitsWithCannotListen_NoStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        WriteConfig(Config);

        var (fileName, arguments) = GatewayExecutable.For(["serve", "--config", "bulwark.json", "--urls", $"http://127.0.0.1:{port}"]);
        var result = await ProcessRun.RunAsync(
            fileName,
            arguments,
            _directory,
            TimeSpan.FromSeconds(60),
            new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = null });

        Assert.Equal(5, result.ExitCode);
        string expected = $"bulwark: cannot listen on http://127.0.0.1:{port}: the address is already in use (is another gateway running?); the addresses came from --urls; choose others with --urls, ASPNETCORE_URLS or Bulwark:Urls.";
        Assert.Contains(expected + Environment.NewLine, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\\n   at ", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.Output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int Count(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static bool Accepts(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private string WriteConfig(string json)
    {
        string path = Path.Combine(_directory, "bulwark.json");
        File.WriteAllText(path, json);
        return path;
    }

    private Task<ServedProcess> StartAsync(string[] arguments, Dictionary<string, string?> environment)
    {
        var start = GatewayExecutable.StartInfo(arguments);
        start.WorkingDirectory = _directory;

        start.Environment.Remove("Bulwark__Storage__Path");
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        return Task.FromResult(new ServedProcess(Process.Start(start)!));
    }

    /// <summary>A <c>bulwark serve</c> process with its output captured, killed on dispose.</summary>
    private sealed class ServedProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public ServedProcess(Process process)
        {
            _process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public async Task WaitLiveAsync(int port)
        {
            using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(2) };
            await Poll.UntilAsync(
                () =>
                {
                    Assert.False(_process.HasExited, "bulwark serve exited:\n" + Output);
                    return GatewayProcess.Live(probe);
                },
                $"bulwark serve to answer /health/live on port {port}",
                TimeSpan.FromSeconds(60));
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }

            _process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
