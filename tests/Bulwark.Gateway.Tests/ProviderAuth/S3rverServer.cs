using System.Diagnostics;
using System.Globalization;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.ProviderAuth;

/// <summary>
/// A real S3-compatible server that checks every request's AWS Signature V4 (npm's <c>@20minutes/s3rver</c>, installed
/// by eng/test.sh from <c>S3rver/package-lock.json</c>): on 127.0.0.1, a port it picks, in a temp directory, with one
/// bucket. Its one account is <see cref="AccessKeyId"/> / <see cref="SecretAccessKey"/>.
/// </summary>
internal sealed class S3rverServer : IAsyncDisposable
{
    public const string AccessKeyId = "S3RVER";

    public const string SecretAccessKey = "S3RVER";

    public const string Bucket = "uploads";

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _directory;

    private S3rverServer(Process process, string directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the server's address, such as <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public Uri BaseAddress { get; }

    public static async Task<S3rverServer> StartAsync()
    {
        string fixture = RepositoryFiles.PathOf("tests", "Bulwark.Gateway.Tests", "ProviderAuth", "S3rver");
        if (!Directory.Exists(Path.Combine(fixture, "node_modules", "@20minutes", "s3rver")))
        {
            throw new InvalidOperationException($"The S3-compatible test server is not installed in {fixture}: run eng/test.sh (it runs npm ci there).");
        }

        string directory = Path.Combine(Path.GetTempPath(), "bulwark-s3rver-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var info = new ProcessStartInfo("node") { WorkingDirectory = fixture, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["start.js", directory, Bucket])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start (Debian package 'nodejs'; eng/test.sh installs it).");
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text && text.StartsWith("listening ", StringComparison.Ordinal))
            {
                listening.TrySetResult(int.Parse(text["listening ".Length..], CultureInfo.InvariantCulture));
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                errors.AppendLine(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            int port = await listening.Task.WaitAsync(StartDeadline);
            return new S3rverServer(process, directory, new Uri($"http://127.0.0.1:{port}"));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            lock (errors)
            {
                throw new InvalidOperationException($"s3rver did not start within {StartDeadline.TotalSeconds} s: {errors}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
