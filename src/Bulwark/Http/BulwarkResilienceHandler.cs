using System.Net;
using System.Text;
using Bulwark.Configuration;
using Bulwark.Pipelines;
using Polly;

namespace Bulwark.Http;

/// <summary>
/// Sends every request through a named Bulwark pipeline: retries send a clone of the request with the full body,
/// the final exception is thrown, and a configured fallback answers a final failure.
/// </summary>
internal sealed class BulwarkResilienceHandler : DelegatingHandler
{
    private readonly BulwarkPipeline _pipeline;

    // Resolved once per handler: IHttpClientFactory builds a new handler every handler lifetime, which picks up a rebuilt pipeline.
    public BulwarkResilienceHandler(BulwarkPipeline pipeline) => _pipeline = pipeline;

    internal BulwarkPipeline Pipeline => _pipeline;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var snapshot = await RequestMessageSnapshot.CreateAsync(request, cancellationToken).ConfigureAwait(false);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(HttpResilienceKeys.RequestMessage, request);

        Outcome<HttpResponseMessage> outcome;
        try
        {
            outcome = await _pipeline.Pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    HttpRequestMessage? clone = null;
                    try
                    {
                        var attemptRequest = await state.snapshot.NextRequestAsync(ctx.CancellationToken).ConfigureAwait(ctx.ContinueOnCapturedContext);
                        var original = ctx.Properties.GetValue(HttpResilienceKeys.RequestMessage, attemptRequest);
                        if (!ReferenceEquals(attemptRequest, original))
                        {
                            clone = attemptRequest;
                        }

                        var response = await state.handler.SendCoreAsync(attemptRequest, ctx.CancellationToken).ConfigureAwait(ctx.ContinueOnCapturedContext);

                        // The caller sees the request it sent, not a clone disposed below.
                        response.RequestMessage = original;
                        return Outcome.FromResult(response);
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<HttpResponseMessage>(e);
                    }
                    finally
                    {
                        clone?.Dispose();
                    }
                },
                context,
                (handler: this, snapshot)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        // A caller who cancelled gets what the pipeline ended with (an OperationCanceledException, as a rule), never the fallback.
        if (_pipeline.Fallback is { } fallback && !cancellationToken.IsCancellationRequested && IsFailure(outcome))
        {
            outcome.Result?.Dispose();
            return CreateFallbackResponse(fallback, request);
        }

        outcome.ThrowIfException();
        return outcome.Result!;
    }

    // Polly runs async strategies synchronously by blocking; rather than that, or sending without resilience, refuse.
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The Bulwark handler supports only asynchronous sends: use HttpClient.SendAsync.");

    private static HttpResponseMessage CreateFallbackResponse(BulwarkFallbackOptions fallback, HttpRequestMessage request)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(fallback.Body));
        content.Headers.TryAddWithoutValidation("Content-Type", fallback.ContentType);
        return new HttpResponseMessage((HttpStatusCode)fallback.StatusCode)
        {
            Content = content,
            RequestMessage = request,
        };
    }

    private bool IsFailure(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is not null || _pipeline.Classifier.IsTransientStatusCode((int)outcome.Result!.StatusCode);

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
