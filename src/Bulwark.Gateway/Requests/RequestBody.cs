using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Bulwark.Gateway.Requests;

/// <summary>How the client's body is held for the attempts: buffered (so replayable), streamed once, or absent.</summary>
/// <param name="Buffered">The body was buffered and can be re-sent from the start.</param>
/// <param name="Streamed">The body is too large to buffer and streams once.</param>
internal readonly record struct RequestBody(bool Buffered, bool Streamed)
{
    /// <summary>
    /// Makes the client's body replayable when it fits <paramref name="limit"/>: in memory up to 64 KiB, then a
    /// delete-on-close file in <paramref name="directory"/>; a larger one streams once, what was read going first.
    /// </summary>
    /// <exception cref="BadHttpRequestException">The body broke a limit or the protocol: the client's fault.</exception>
    public static async ValueTask<RequestBody> PrepareAsync(HttpContext context, long limit, Func<string> directory)
    {
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: false })
        {
            return new(false, false);
        }

        if (context.Request.ContentLength is { } length)
        {
            // Said too large up front: refused before a provider is called (Kestrel would fail only the first read).
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize is { } max && length > max)
            {
                throw new BadHttpRequestException("The request body is larger than the gateway accepts.", StatusCodes.Status413PayloadTooLarge);
            }

            if (length > limit)
            {
                return new(false, true);
            }

            // In memory up to 64 KiB, then a delete-on-close temporary file, disposed (so deleted) when the request
            // ends, however it ends. As EnableBuffering does, but in the directory the host chose.
            var buffering = new FileBufferingReadStream(context.Request.Body, (int)Math.Min(length, 64 * 1024), limit, directory);
            context.Response.RegisterForDisposeAsync(buffering);
            context.Request.Body = buffering;
            await context.Request.Body.DrainAsync(context.RequestAborted).ConfigureAwait(false);
            context.Request.Body.Position = 0;
            return new(true, false);
        }

        // Unknown length (chunked, or HTTP/2 without content-length): read up to the limit. If it all fits, it is
        // replayable like any other small body; if not, what was read goes first and the rest streams after it, once.
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await ReadClientBodyAsync(context, chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length))).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                context.Request.Body = new PrefixedStream(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.Request.Body);
                return new(false, true);
            }
        }

        buffer.Position = 0;
        context.Request.Body = buffer;
        return new(true, false);
    }

    /// <summary>
    /// Reads the client's body; a read that fails while the client is still connected is its malformed body — Kestrel
    /// reports a chunk size that overflows as a bare <see cref="IOException"/>, not a <see cref="BadHttpRequestException"/>.
    /// </summary>
    private static async ValueTask<int> ReadClientBodyAsync(HttpContext context, Memory<byte> buffer)
    {
        try
        {
            return await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        }
        catch (IOException e) when (e is not BadHttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            throw new BadHttpRequestException("The request body is malformed: " + e.Message, StatusCodes.Status400BadRequest, e);
        }
    }
}
