using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bulwark.Gateway.Tests.ProviderAuth;

/// <summary>
/// A real Kestrel token endpoint on 127.0.0.1 (port 0): each request is recorded (its form and Authorization header), then
/// answered by <see cref="Issue"/>, by default a new bearer token <c>token-{n}</c> valid for <see cref="ExpiresIn"/>
/// seconds. <see cref="Gate"/>, when set, holds every answer until it completes.
/// </summary>
internal sealed class TokenServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private TokenServer(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public List<TokenRequest> Received { get; } = [];

    public int ExpiresIn { get; set; } = 3600;

    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Gets or sets how a request is answered; the default issues <c>token-{n}</c>.</summary>
    public Func<HttpContext, TokenRequest, int, Task>? Issue { get; set; }

    public static async Task<TokenServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new TokenServer(app);
        app.MapPost("/oauth/token", async context =>
        {
            int n = Interlocked.Increment(ref server._requests);
            var form = await context.Request.ReadFormAsync();
            var request = new TokenRequest(form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal), context.Request.Headers.Authorization.ToString());
            lock (server.Received)
            {
                server.Received.Add(request);
            }

            if (server.Gate is { } gate)
            {
                await gate.Task;
            }

            if (server.Issue is { } issue)
            {
                await issue(context, request, n);
                return;
            }

            await context.Response.WriteAsJsonAsync(new { access_token = $"token-{n}", token_type = "Bearer", expires_in = server.ExpiresIn });
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.Endpoint = new Uri(address, "/oauth/token");
        return server;
    }

    public TokenRequest[] Snapshot()
    {
        lock (Received)
        {
            return [.. Received];
        }
    }

    public async ValueTask DisposeAsync()
    {
        Gate?.TrySetResult();
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>One token request as the endpoint received it.</summary>
internal sealed record TokenRequest(IReadOnlyDictionary<string, string> Form, string Authorization)
{
    /// <summary>Gets the client id and secret of an HTTP Basic <c>Authorization</c> (RFC 6749 section 2.3.1: each form-decoded).</summary>
    public (string Id, string Secret)? BasicCredentials()
    {
        if (!AuthenticationHeaderValue.TryParse(Authorization, out var value) || value.Scheme != "Basic" || value.Parameter is null)
        {
            return null;
        }

        string decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
    }
}
