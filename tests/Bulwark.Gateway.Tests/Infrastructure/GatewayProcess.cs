using System.Diagnostics;
using System.Net;
using System.Text;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// <c>bulwark serve</c> as a separate process on a free loopback port, with its output captured; killed on dispose
/// if still alive, and its configuration file deleted.
/// </summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _configPath;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, string configPath)
    {
        _process = process;
        _configPath = configPath;
    }

    /// <summary>Gets the address the gateway listens on: the port the system gave it, read from its start-up line.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the configuration file the gateway was started with.</summary>
    public string ConfigPath => _configPath;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Gets what the process wrote to stdout and stderr so far.</summary>
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

    /// <summary>Gets the last lines of <see cref="Output"/>, for a failure message.</summary>
    public string OutputTail
    {
        get
        {
            string all = Output;
            return all.Length <= 4000 ? all : all[^4000..];
        }
    }

    /// <summary>Starts the gateway and waits, within a bound, until <c>/health/live</c> answers 200.</summary>
    public static async Task<GatewayProcess> StartAsync(string configJson, string? storePath = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        string configPath = Path.Combine(Path.GetTempPath(), $"bulwark-drain-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(configPath, configJson);
        var start = GatewayExecutable.StartInfo(["serve", "--config", configPath]);
        // Port 0: the system picks a free port as the gateway binds it, so no other test's server can take it first (a
        // port found free and released before the process binds it can be, and then answers in its place).
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        if (environment is null || !environment.ContainsKey("Bulwark__Storage__Provider"))
        {
            // A file of its own, unless the environment names another store (which refuses a SQLite path).
            start.Environment["Bulwark__Storage__Path"] = storePath ?? TestStore.NewPath();
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var gateway = new GatewayProcess(process, configPath);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Uri? address = null;
        await Poll.UntilAsync(
            () => !process.HasExited && (address = ListeningAddress(gateway.Output)) is not null,
            "bulwark serve to say where it listens",
            TimeSpan.FromSeconds(60));
        gateway.Address = address!;
        using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(
            () => !process.HasExited && Live(probe),
            "bulwark serve to answer /health/live",
            TimeSpan.FromSeconds(60));
        return gateway;
    }

    /// <summary>Runs <c>bulwark</c> with <paramref name="arguments"/> to its exit, within a bound; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = GatewayExecutable.StartInfo(arguments);

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await Poll.WithinAsync(process.WaitForExitAsync(), "bulwark to exit", timeout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Replaces the configuration file in one step (written beside it, renamed over it), as a deploy would.</summary>
    public async Task ReplaceConfigAsync(string configJson)
    {
        string next = _configPath + ".next";
        await File.WriteAllTextAsync(next, configJson);
        File.Move(next, _configPath, overwrite: true);
    }

    /// <summary>Sends SIGTERM (<see cref="Process.Kill()"/> would send SIGKILL).</summary>
    public async Task TerminateAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await Poll.WithinAsync(kill.WaitForExitAsync(), "kill -TERM to run", TimeSpan.FromSeconds(10));
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Kills the process with SIGKILL: no drain, no flush — a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await Poll.WithinAsync(_process.WaitForExitAsync(), "bulwark serve to die", TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits for the process to exit within <paramref name="timeout"/>, and for its output to be read.</summary>
    public Task WaitForExitAsync(TimeSpan timeout) => Poll.WithinAsync(_process.WaitForExitAsync(), "bulwark serve to exit", timeout);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            _process.Dispose();
            File.Delete(_configPath);
        }
    }

    /// <summary>Whether the gateway behind <paramref name="probe"/> answers <c>/health/live</c> with 200.</summary>
    internal static bool Live(HttpClient probe)
    {
        try
        {
            using var response = probe.GetAsync("/health/live").GetAwaiter().GetResult();
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The address of the gateway's start-up line <c>Listening on http://127.0.0.1:PORT</c>, once written.</summary>
    private static Uri? ListeningAddress(string output)
    {
        var match = System.Text.RegularExpressions.Regex.Match(output, @"Listening on (http://127\.0\.0\.1:[1-9][0-9]*)");
        return match.Success ? new Uri(match.Groups[1].Value) : null;
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
