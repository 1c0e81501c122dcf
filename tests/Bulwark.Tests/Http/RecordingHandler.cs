using System.Collections.Concurrent;

namespace Bulwark.Tests.Http;

/// <summary>Sits below the Bulwark handler and records what each attempt sent and received.</summary>
internal sealed class RecordingHandler(ConcurrentQueue<(HttpRequestMessage Request, HttpResponseMessage? Response)> log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            return response;
        }
        finally
        {
            log.Enqueue((request, response));
        }
    }
}
