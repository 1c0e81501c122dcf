using System.Diagnostics;
using System.Net;
using System.Text;
using Bulwark.Gateway.Tests.Infrastructure;
using FreePorts = Bulwark.Tests.Shared.FreePorts;

namespace Bulwark.Gateway.Tests.Alerts.Channels;

/// <summary>
/// A real Prometheus Alertmanager (Debian's <c>prometheus-alertmanager</c>) on 127.0.0.1 and a free port, with a temp
/// directory for its configuration (one receiver that sends nowhere) and storage, no clustering; killed on dispose.
/// </summary>
internal sealed class AlertmanagerProcess : IAsyncDisposable
{
    public const string Program = "prometheus-alertmanager";

    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _output = new();

    private AlertmanagerProcess(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public Uri Address { get; }

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

    public static async Task<AlertmanagerProcess> StartAsync()
    {
        string directory = Path.Combine(Path.GetTempPath(), "bulwark-alertmanager-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "data"));
        string config = Path.Combine(directory, "alertmanager.yml");
        await File.WriteAllTextAsync(config, """
            route:
              receiver: "null"
              group_wait: 0s
            receivers:
              - name: "null"
            """);
        int port = FreePorts.Next();
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (string argument in new[]
        {
            "--config.file=" + config,
            "--storage.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var alertmanager = new AlertmanagerProcess(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => alertmanager.Append(e.Data);
        process.ErrorDataReceived += (_, e) => alertmanager.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            await Poll.UntilAsync(() => process.HasExited || IsReady(http, alertmanager.Address), "Alertmanager to be ready (/-/ready)", TimeSpan.FromSeconds(30));
            Assert.False(process.HasExited, "Alertmanager exited:\n" + alertmanager.Output);
            return alertmanager;
        }
        catch
        {
            await alertmanager.DisposeAsync();
            throw;
        }
    }

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
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Left for the system's temp cleanup.
            }
        }
    }

    private static bool IsReady(HttpClient http, Uri address)
    {
        try
        {
            using var response = http.GetAsync(new Uri(address, "/-/ready")).GetAwaiter().GetResult();
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
