using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace Bulwark.Gateway.Requests;

/// <summary>How the client's body is held for the attempts: buffered (so replayable), spooled as it is sent (so replayable), streamed once, or absent.</summary>
/// <param name="Buffered">The body was buffered and can be re-sent from the start.</param>
/// <param name="Streamed">The body is too large to keep and streams once.</param>
/// <param name="Spool">The spool the body is read into as it arrives, from which every attempt reads it; <see langword="null"/> unless spooled.</param>
internal readonly record struct RequestBody(bool Buffered, bool Streamed, RequestSpool? Spool = null)
{
    /// <summary>
    /// Makes the client's body replayable when it fits <paramref name="limit"/>: in memory up to 64 KiB, then a
    /// delete-on-close file in <paramref name="directory"/>; a larger one up to <paramref name="replayableLimit"/> is
    /// spooled as it arrives (<see cref="RequestSpool"/>, against <paramref name="quota"/>); a larger one still streams
    /// once, what was read going first.
    /// </summary>
    /// <exception cref="BadHttpRequestException">The body broke a limit or the protocol: the client's fault.</exception>
    /// <exception cref="SpoolFullException">The body was to be spooled, and the spool has no room for it.</exception>
    public static async ValueTask<RequestBody> PrepareAsync(HttpContext context, long limit, Func<string> directory, long replayableLimit = 0, SpoolQuota? quota = null)
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
                if (length <= replayableLimit && quota is not null)
                {
                    return new(false, false, StartSpool(context, directory(), length, replayableLimit, quota, ReadOnlyMemory<byte>.Empty));
                }

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
                if (replayableLimit > limit && quota is not null)
                {
                    // The bytes read to find out go first, the pump reads the rest.
                    return new(false, false, StartSpool(context, directory(), null, replayableLimit, quota, buffer.GetBuffer().AsMemory(0, (int)buffer.Length)));
                }

                context.Request.Body = new PrefixedStream(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.Request.Body);
                return new(false, true);
            }
        }

        buffer.Position = 0;
        context.Request.Body = buffer;
        return new(true, false);
    }

    private static RequestSpool StartSpool(HttpContext context, string directory, long? length, long replayableLimit, SpoolQuota quota, ReadOnlyMemory<byte> prefix)
    {
        var spool = RequestSpool.Start(context.Request.Body, directory, length, replayableLimit, quota, prefix);
        // Disposed (so stopped and removed) when the request ends, however it ends; the forwarding stage disposes it first.
        context.Response.RegisterForDisposeAsync(spool);
        return spool;
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
