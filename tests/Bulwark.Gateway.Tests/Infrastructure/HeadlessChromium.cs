using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>
/// Debian's <c>chromium</c>, headless, started by the test on a free DevTools port with a profile of its own in a temporary
/// directory, and driven over the Chrome DevTools Protocol on a WebSocket (no package: <see cref="ClientWebSocket"/>).
/// Input is real: clicks are mouse events at the element's place on the page, typing is inserted text. Every console
/// error and uncaught exception of the page is kept (a Content-Security-Policy violation is one).
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private const string Package = "chromium";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _waiting = new();
    private readonly ConcurrentQueue<string> _pageErrors = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private int _nextId;

    private HeadlessChromium(Process process, string profile, ClientWebSocket socket)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
        _receiving = Task.Run(ReceiveAsync);
    }

    /// <summary>Gets every console error, failed load and uncaught exception the page reported so far.</summary>
    public IReadOnlyList<string> PageErrors => [.. _pageErrors];

    /// <summary>
    /// The browser's executable: <c>chromium</c> on the PATH (Debian's package). Fails the test, naming the package, when it
    /// is missing: a browser test that cannot run must not pass silently.
    /// </summary>
    public static string FindExecutable()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "chromium");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"Chromium is not installed: this browser test needs Debian's '{Package}' package. Install it with `apt-get install -y --no-install-recommends {Package}` (eng/test.sh does, as root).");
        throw new UnreachableException();
    }

    public static async Task<HeadlessChromium> StartAsync(int width = 1400, int height = 1000)
    {
        string executable = FindExecutable();
        string profile = Directory.CreateTempSubdirectory("bulwark-chromium-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--no-proxy-server", "--mute-audio",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", $"--user-data-dir={profile}", $"--window-size={width},{height}",
            "about:blank",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;

        // Drained so that a chatty browser never blocks on a full pipe.
        process.ErrorDataReceived += static (_, _) => { };
        process.OutputDataReceived += static (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            // The browser writes the port it chose into its profile once DevTools listens.
            string portFile = Path.Combine(profile, "DevToolsActivePort");
            await Poll.UntilAsync(() => File.Exists(portFile) && File.ReadAllLines(portFile).Length >= 2 || process.HasExited, "chromium to open its DevTools port", TimeSpan.FromSeconds(30));
            Assert.False(process.HasExited, $"chromium exited at start with code {(process.HasExited ? process.ExitCode : 0)}");
            int port = int.Parse(File.ReadAllLines(portFile)[0], System.Globalization.CultureInfo.InvariantCulture);

            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            string? page = null;
            await Poll.UntilAsync(() =>
            {
                var targets = JsonNode.Parse(http.GetStringAsync($"http://127.0.0.1:{port}/json/list").GetAwaiter().GetResult())!.AsArray();
                page = targets.FirstOrDefault(t => (string?)t!["type"] == "page")?["webSocketDebuggerUrl"]?.GetValue<string>();
                return page is not null;
            }, "chromium's first page", TimeSpan.FromSeconds(15));

            var socket = new ClientWebSocket();
            socket.Options.Proxy = null;
            await socket.ConnectAsync(new Uri(page!), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            var browser = new HeadlessChromium(process, profile, socket);
            await browser.SendAsync("Page.enable");
            await browser.SendAsync("Runtime.enable");
            await browser.SendAsync("Log.enable");
            await browser.SendAsync("Emulation.setDeviceMetricsOverride", new { width, height, deviceScaleFactor = 1, mobile = false });
            return browser;
        }
        catch
        {
            Kill(process);
            TryDelete(profile);
            throw;
        }
    }

    /// <summary>Sends one DevTools command and waits (bounded) for its result.</summary>
    public async Task<JsonElement> SendAsync(string method, object? parameters = null)
    {
        int id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = done;
        byte[] message = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters ?? new { } });
        await _sending.WaitAsync();
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
        }
        finally
        {
            _sending.Release();
        }

        return await Poll.WithinAsync(done.Task, $"chromium to answer {method}", CommandTimeout);
    }

    /// <summary>Runs <paramref name="expression"/> in the page (promises awaited) and returns its value.</summary>
    public async Task<JsonElement> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true });
        if (result.TryGetProperty("exceptionDetails", out var exception))
        {
            Assert.Fail($"The page threw while evaluating `{expression}`: {exception}");
        }

        return result.GetProperty("result").TryGetProperty("value", out var value) ? value.Clone() : default;
    }

    public Task NavigateAsync(Uri url) => SendAsync("Page.navigate", new { url = url.ToString() });

    /// <summary>Polls a boolean expression in the page until it is true, within <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(string expression, string what, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        while (true)
        {
            var value = await SendAsync("Runtime.evaluate", new { expression = $"(() => {{ try {{ return !!({expression}); }} catch {{ return false; }} }})()", returnByValue = true });
            if (value.GetProperty("result").TryGetProperty("value", out var ok) && ok.ValueKind == JsonValueKind.True)
            {
                return;
            }

            if (deadline.Elapsed > limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting in the browser for: {what}. Page errors: {string.Join(" | ", PageErrors)}");
            }

            await timer.WaitForNextTickAsync();
        }
    }

    /// <summary>Clicks the element <paramref name="selector"/> finds, as a user would: a mouse press and release at its centre.</summary>
    public async Task ClickAsync(string selector)
    {
        string quoted = JsonSerializer.Serialize(selector);
        var box = await EvaluateAsync($$"""
            (() => {
              const e = document.querySelector({{quoted}});
              if (!e) return null;
              e.scrollIntoView({ block: 'center', inline: 'center' });
              const r = e.getBoundingClientRect();
              return { x: r.left + r.width / 2, y: r.top + r.height / 2, w: r.width, h: r.height };
            })()
            """);
        Assert.True(box.ValueKind == JsonValueKind.Object, $"Nothing on the page matches {selector}");
        Assert.True(box.GetProperty("w").GetDouble() > 0 && box.GetProperty("h").GetDouble() > 0, $"{selector} is not visible");
        double x = box.GetProperty("x").GetDouble(), y = box.GetProperty("y").GetDouble();
        await SendAsync("Input.dispatchMouseEvent", new { type = "mouseMoved", x, y });
        await SendAsync("Input.dispatchMouseEvent", new { type = "mousePressed", x, y, button = "left", clickCount = 1 });
        await SendAsync("Input.dispatchMouseEvent", new { type = "mouseReleased", x, y, button = "left", clickCount = 1 });
    }

    /// <summary>Types <paramref name="text"/> into the element <paramref name="selector"/> finds (focused first).</summary>
    public async Task TypeAsync(string selector, string text)
    {
        await ClickAsync(selector);
        await SendAsync("Input.insertText", new { text });
    }

    /// <summary>Writes a PNG of the whole page to <paramref name="path"/>; returns its size in bytes.</summary>
    public async Task<long> ScreenshotAsync(string path)
    {
        var shot = await SendAsync("Page.captureScreenshot", new { format = "png", captureBeyondViewport = true });
        byte[] png = Convert.FromBase64String(shot.GetProperty("data").GetString()!);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, png);
        return png.Length;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (_socket.State == WebSocketState.Open)
            {
                using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, closing.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }

        _socket.Dispose();
        Kill(_process);
        await _receiving.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(static _ => { }, TaskScheduler.Default);
        _process.Dispose();
        TryDelete(_profile);
        _stop.Dispose();
        _sending.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var received = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                {
                    continue;
                }

                Dispatch(message.GetBuffer().AsSpan(0, (int)message.Length));
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            foreach (var waiting in _waiting.Values)
            {
                waiting.TrySetException(new InvalidOperationException("The connection to chromium closed."));
            }
        }
    }

    private void Dispatch(ReadOnlySpan<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8.ToArray());
        var root = document.RootElement;
        if (root.TryGetProperty("id", out var idElement) && _waiting.TryRemove(idElement.GetInt32(), out var waiting))
        {
            if (root.TryGetProperty("error", out var error))
            {
                waiting.TrySetException(new InvalidOperationException("DevTools error: " + error));
            }
            else
            {
                waiting.TrySetResult(root.GetProperty("result").Clone());
            }

            return;
        }

        if (!root.TryGetProperty("method", out var method))
        {
            return;
        }

        switch (method.GetString())
        {
            case "Runtime.exceptionThrown":
                _pageErrors.Enqueue("exception: " + root.GetProperty("params").GetProperty("exceptionDetails"));
                break;
            case "Runtime.consoleAPICalled" when root.GetProperty("params").GetProperty("type").GetString() == "error":
                _pageErrors.Enqueue("console.error: " + root.GetProperty("params").GetProperty("args"));
                break;
            case "Log.entryAdded" when root.GetProperty("params").GetProperty("entry").GetProperty("level").GetString() == "error":
                _pageErrors.Enqueue("log: " + Encoding.UTF8.GetString(utf8));
                break;
        }
    }
}
