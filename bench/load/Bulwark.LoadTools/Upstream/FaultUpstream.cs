using System.Diagnostics;
using System.Globalization;

namespace Bulwark.LoadTools.Upstream;

/// <summary>
/// The upstream every target forwards to: a minimal Kestrel endpoint answering a small JSON body, with faults that the
/// harness switches on and off over HTTP while it runs. It counts every request it receives (the attempts the proxy in
/// front of it made), except its own control and health paths.
/// </summary>
/// <remarks>
/// Control paths (never counted): <c>GET /__stats</c>, <c>POST /__reset</c>, <c>POST /__mode?key=value...</c>,
/// <c>GET /__health</c> (503 while down, for proxies with active health checks). <c>POST /v1/chat/completions</c> is
/// answered with a small OpenAI chat completion carrying <c>usage</c> (for budgeted routes); every other path with the
/// same 33-byte JSON body. Mode keys: <c>down</c> (0/1: every request is answered 503), <c>fail503</c>, <c>reset</c>,
/// <c>hang</c>, <c>r429</c> (shares 0–1), <c>delayMs</c> (added to every answer), <c>retryAfter</c> (seconds, sent
/// with 429).
/// </remarks>
internal sealed class FaultUpstream
{
    private static readonly byte[] Body = """{"id":42,"name":"item","ok":true}"""u8.ToArray();

    // What OpenAI's chat completions answer looks like, with the usage a budget settles to.
    private static readonly byte[] ChatBody = """{"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"Hello"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"""u8.ToArray();

    private readonly UpstreamCounters _counters = new();
    private volatile UpstreamMode _mode = UpstreamMode.Healthy;

    /// <summary>Runs the upstream on 127.0.0.1 until the process is stopped.</summary>
    public static Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.AddServerHeader = false);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        var app = builder.Build();
        var upstream = new FaultUpstream();
        app.Run(upstream.HandleAsync);
        return app.RunAsync();
    }

    private Task HandleAsync(HttpContext context)
    {
        string path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/__", StringComparison.Ordinal))
        {
            return Control(context, path);
        }

        var mode = _mode;
        long now = Stopwatch.GetTimestamp();
        _counters.Received(mode.Down, now);
        if (mode.Down)
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        }

        double roll = _counters.Roll();
        if (roll < mode.Reset)
        {
            // An RST on the connection: what a crashed worker or a middlebox looks like to the proxy.
            context.Abort();
            return Task.CompletedTask;
        }

        roll -= mode.Reset;
        if (roll < mode.Hang)
        {
            return HangAsync(context);
        }

        roll -= mode.Hang;
        if (roll < mode.Fail503)
        {
            return DelayThen(context, mode, static c => c.Response.StatusCode = 503);
        }

        roll -= mode.Fail503;
        if (roll < mode.R429)
        {
            string retryAfter = mode.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return DelayThen(context, mode, c =>
            {
                c.Response.StatusCode = 429;
                c.Response.Headers.RetryAfter = retryAfter;
            });
        }

        if (mode.DelayMs <= 0)
        {
            _counters.Ok(now);
            return IsChat(context, path) ? WriteChatAsync(context) : WriteBody(context);
        }

        return OkAfterDelayAsync(context, mode.DelayMs, now);
    }

    private async Task OkAfterDelayAsync(HttpContext context, int delayMs, long received)
    {
        await Task.Delay(delayMs, context.RequestAborted);
        _counters.Ok(received);
        await (IsChat(context, path: context.Request.Path.Value ?? "/") ? WriteChatAsync(context) : WriteBody(context));
    }

    private static async Task DelayThen(HttpContext context, UpstreamMode mode, Action<HttpContext> answer)
    {
        if (mode.DelayMs > 0)
        {
            await Task.Delay(mode.DelayMs, context.RequestAborted);
        }

        answer(context);
    }

    private static async Task HangAsync(HttpContext context)
    {
        try
        {
            // Long enough to outlast every timeout in the harness; ends when the proxy gives up on the attempt.
            await Task.Delay(TimeSpan.FromSeconds(120), context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static bool IsChat(HttpContext context, string path) =>
        HttpMethods.IsPost(context.Request.Method) && path == "/v1/chat/completions";

    /// <summary>Reads the request body to its end (no copy: the pipe's buffers are only advanced), then answers a chat completion.</summary>
    private static async Task WriteChatAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted);
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        context.Response.ContentType = "application/json";
        context.Response.ContentLength = ChatBody.Length;
        await context.Response.Body.WriteAsync(ChatBody, context.RequestAborted);
    }

    private static Task WriteBody(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = Body.Length;
        return context.Response.Body.WriteAsync(Body).AsTask();
    }

    private Task Control(HttpContext context, string path)
    {
        switch (path)
        {
            case "/__health":
                context.Response.StatusCode = _mode.Down ? 503 : 200;
                return Task.CompletedTask;
            case "/__stats":
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync(_counters.Describe());
            case "/__reset":
                _counters.Clear();
                return Task.CompletedTask;
            case "/__mode":
                var next = UpstreamMode.Parse(context.Request.Query, _mode);
                if (_mode.Down && !next.Down)
                {
                    _counters.BackUp(Stopwatch.GetTimestamp());
                }
                else if (!_mode.Down && next.Down)
                {
                    _counters.WentDown(Stopwatch.GetTimestamp());
                }

                _mode = next;
                return Task.CompletedTask;
            default:
                context.Response.StatusCode = 404;
                return Task.CompletedTask;
        }
    }
}
