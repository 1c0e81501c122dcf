using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Bulwark.Tests.Shared;

namespace Bulwark.Storage.Redis.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> for a test: on a free port of 127.0.0.1 with a temp directory, no persistence, never a
/// system service. It can be stopped and started again on the same port (Redis going away mid-run).
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);
    private readonly string _directory;
    private Process? _process;

    private RedisServer(int port)
    {
        Port = port;
        _directory = Path.Combine(Path.GetTempPath(), "bulwark-redis-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Gets the port.</summary>
    public int Port { get; }

    /// <summary>Gets the StackExchange.Redis configuration string.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Starts a server on a free port.</summary>
    /// <returns>The running server.</returns>
    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePorts.Next());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server again on its port after <see cref="StopAsync"/>.</summary>
    /// <returns>A task that completes when it answers.</returns>
    public async Task RestartAsync()
    {
        var info = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _directory, "--save", "", "--appendonly", "no", "--daemonize", "no", "--enable-debug-command", "local"])
        {
            info.ArgumentList.Add(argument);
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start (Debian package 'redis-server'; eng/test.sh installs it).");
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        await Poll.UntilAsync(
            async () =>
            {
                Assert.False(process.HasExited, $"redis-server on port {Port} exited at start");
                return await AnswersAsync(TimeSpan.FromSeconds(2));
            },
            $"redis-server on port {Port} to answer",
            StartDeadline);
    }

    /// <summary>Makes the server stop answering for a while (<c>DEBUG SLEEP</c>): a Redis that is up but slow.</summary>
    /// <param name="duration">How long it sleeps.</param>
    /// <returns>A task that completes when the server is asleep (a PING goes unanswered).</returns>
    public async Task SleepAsync(TimeSpan duration)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        string seconds = duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        await client.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes($"DEBUG SLEEP {seconds}\r\n"));

        // Asleep once a PING goes unanswered for a while.
        await Poll.UntilAsync(async () => !await AnswersAsync(TimeSpan.FromMilliseconds(100)), "redis-server to fall asleep", duration);
    }

    /// <summary>Kills the server (SIGKILL: Redis gone at once, as a crash or a network cut).</summary>
    /// <returns>A task that completes when it exited.</returns>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<bool> AnswersAsync(TimeSpan within)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(within);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
