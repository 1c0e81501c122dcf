using Bulwark.Http;
using Bulwark.Pipelines;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Bulwark pipelines to HttpClients built by <c>IHttpClientFactory</c>.</summary>
public static class BulwarkHttpClientBuilderExtensions
{
    /// <summary>
    /// Sends every request of the client through the shared instance of a named pipeline from the registered
    /// <see cref="IBulwarkPipelineProvider"/> (see <c>AddBulwark</c>). Every client using the shared instance shares its
    /// circuit breaker, bulkhead and retry budget.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="pipelineName">The pipeline's name, for example <c>"default"</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <remarks>
    /// <para>The handler is added where this method is called in the handler chain; add it first so that the pipeline wraps
    /// every other handler. Each attempt after the first sends a clone of the request with the same method, URI, version,
    /// headers, options and body; a body that cannot be serialized twice (a stream) is buffered in memory before the first
    /// attempt. The request's cancellation token (which includes <see cref="HttpClient.Timeout"/>) bounds the whole
    /// pipeline, retries and delays included.</para>
    /// <para>The pipeline's final exception is thrown. When the pipeline has a fallback
    /// (<see cref="BulwarkPipeline.Fallback"/>) and the final outcome is a failure — an exception, or a response with a
    /// status code the pipeline's <see cref="BulwarkPipeline.Classifier"/> deems transient — the fallback response is
    /// returned instead, unless the caller cancelled. Only <see cref="HttpClient.SendAsync(HttpRequestMessage, CancellationToken)"/>
    /// and the methods built on it are supported; the synchronous <c>HttpClient.Send</c> throws <see cref="NotSupportedException"/>.</para>
    /// <para>The pipeline is resolved when the client's handler chain is built, so an unknown name fails in
    /// <c>IHttpClientFactory.CreateClient</c> with <see cref="KeyNotFoundException"/>.</para>
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="pipelineName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pipelineName"/> is empty or white space.</exception>
    public static IHttpClientBuilder AddBulwarkHandler(this IHttpClientBuilder builder, string pipelineName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineName);

        return builder.AddHttpMessageHandler(services =>
            new BulwarkResilienceHandler(services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline(pipelineName)));
    }

    /// <summary>
    /// Sends every request of the client through a separate instance of a named pipeline, with its own circuit breaker,
    /// bulkhead and retry budget — for example one per typed client, so that one failing dependency never trips another's
    /// breaker. Clients that name the same instance share it.
    /// </summary>
    /// <param name="builder">The HttpClient builder.</param>
    /// <param name="pipelineName">The pipeline's name, for example <c>"default"</c>.</param>
    /// <param name="instanceName">The instance's name, for example <c>"payments"</c>.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <remarks>Behaves as <see cref="AddBulwarkHandler(IHttpClientBuilder, string)"/> in every other respect.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="pipelineName"/> or <paramref name="instanceName"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pipelineName"/> or <paramref name="instanceName"/> is empty or white space.</exception>
    public static IHttpClientBuilder AddBulwarkHandler(this IHttpClientBuilder builder, string pipelineName, string instanceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(pipelineName);
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceName);

        return builder.AddHttpMessageHandler(services =>
            new BulwarkResilienceHandler(services.GetRequiredService<IBulwarkPipelineProvider>().GetPipeline(pipelineName, instanceName)));
    }
}
