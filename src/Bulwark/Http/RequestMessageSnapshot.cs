namespace Bulwark.Http;

/// <summary>
/// Hands out the request to send on each attempt: the caller's request first, then clones, since a request message
/// (and a streamed body) cannot be sent twice.
/// </summary>
/// <remarks>
/// A body that can be serialized again (<see cref="ByteArrayContent"/>, which includes string and form content) is read
/// only when a retry needs it; any other body is buffered before the first attempt, because a stream is consumed by it.
/// Each clone gets its own <see cref="ByteArrayContent"/> over the buffered bytes, with the original content headers.
/// </remarks>
internal sealed class RequestMessageSnapshot
{
    private readonly HttpRequestMessage _request;
    private byte[]? _body;
    private int _attempts;

    private RequestMessageSnapshot(HttpRequestMessage request) => _request = request;

    public static async ValueTask<RequestMessageSnapshot> CreateAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content and not ByteArrayContent)
        {
            await content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        return new RequestMessageSnapshot(request);
    }

    /// <summary>Returns the caller's request on the first call, and a new clone, which the caller disposes, on every later call.</summary>
    public ValueTask<HttpRequestMessage> NextRequestAsync(CancellationToken cancellationToken) =>
        Interlocked.Increment(ref _attempts) == 1
            ? new ValueTask<HttpRequestMessage>(_request)
            : CloneAsync(cancellationToken);

    private async ValueTask<HttpRequestMessage> CloneAsync(CancellationToken cancellationToken)
    {
        var original = _request;
        var clone = new HttpRequestMessage(original.Method, original.RequestUri)
        {
            Version = original.Version,
            VersionPolicy = original.VersionPolicy,
        };

        try
        {
            foreach (var header in original.Headers.NonValidated)
            {
                clone.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            IDictionary<string, object?> options = clone.Options;
            foreach (var option in original.Options)
            {
                options[option.Key] = option.Value;
            }

            if (original.Content is { } content)
            {
                // Racing attempts (none today) would at worst read the same bytes twice.
                _body ??= await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                var body = new ByteArrayContent(_body);
                foreach (var header in content.Headers.NonValidated)
                {
                    // ByteArrayContent knows its length.
                    if (!string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        body.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }

                clone.Content = body;
            }

            return clone;
        }
        catch
        {
            clone.Dispose();
            throw;
        }
    }
}
