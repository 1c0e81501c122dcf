using System.Net;

namespace Bulwark.Gateway.Forwarding;

/// <summary>The one <see cref="HttpMessageInvoker"/> every attempt to every provider shares, set up as YARP recommends for forwarding.</summary>
internal sealed class GatewayHttpClient : IDisposable
{
    public GatewayHttpClient()
    {
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // No diagnostics handler: it started an activity for every attempt only to propagate it (no source records
            // System.Net.Http's). Each attempt writes the request's own trace context instead (AttemptTransformer).
            ActivityHeadersPropagator = null,
        });
    }

    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();
}
