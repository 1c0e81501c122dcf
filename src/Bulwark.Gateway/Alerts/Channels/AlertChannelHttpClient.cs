namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>
/// The HTTP client every HTTP channel sends with: its own connection pool (not the forwarding one), no redirects (a
/// webhook that redirects is misconfigured, and a redirect could carry the body elsewhere), no cookies. Each channel
/// bounds its sends with its own <c>Timeout</c>.
/// </summary>
internal sealed class AlertChannelHttpClient : IDisposable
{
    public HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        DefaultRequestHeaders = { { "User-Agent", "Bulwark-Alerts/1" } },
    };

    public void Dispose() => Client.Dispose();
}
