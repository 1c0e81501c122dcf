using System.Globalization;
using Bulwark.Failover;
using Bulwark.Gateway.ProviderAuth;
using Bulwark.Gateway.Requests;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Uploads;

/// <summary>
/// The compensation of a failed step of an S3 multipart upload (<c>Routes[]:Uploads:AbortMultipartOnFailure</c>): a
/// request whose query carries <c>uploadId</c> (UploadPart, UploadPartCopy, CompleteMultipartUpload) that no provider
/// served after all its attempts is followed by AbortMultipartUpload — <c>DELETE</c> of the same path with only
/// <c>?uploadId=</c> — at each provider the request was sent to, so that the parts stored so far are deleted rather than
/// billed. Sent directly (not through the provider's breaker: a compensation must go even to a failing provider), with
/// the provider's configured headers and its <c>Auth</c> (a token, or a SigV4 signature of the abort itself), within
/// <see cref="Timeout"/>.
/// </summary>
internal static partial class MultipartAbort
{
    /// <summary>How long one abort may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The upload id of a multipart upload step, or <see langword="null"/> when the request is not one.</summary>
    public static string? UploadIdOf(HttpRequest request) =>
        request.Query.TryGetValue("uploadId", out var values) && values is [{ Length: > 0 } id] ? id : null;

    /// <summary>Aborts the upload at every provider that was sent the request; returns what to tell the client (the <c>X-Bulwark-Multipart-Abort</c> header).</summary>
    public static async Task<string> RunAsync(HttpContext context, GatewayRoute route, string uploadId, IReadOnlyList<FailoverAttempt> attempts, HttpMessageInvoker invoker, TimeProvider timeProvider, ILogger logger, string correlationId)
    {
        string target = RawTarget.PathAndQuery(context) ?? (context.Request.PathBase + context.Request.Path).ToString();
        int query = target.IndexOf('?', StringComparison.Ordinal);
        string path = query < 0 ? target : target[..query];
        var notes = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var attempt in attempts)
        {
            if (attempt.Kind == FailoverAttemptKind.Skipped || !done.Add(attempt.Provider) || route.FindProvider(attempt.Provider) is not { } provider)
            {
                continue;
            }

            notes.Add(await AbortAtAsync(provider, path, uploadId, invoker, timeProvider, logger, correlationId).ConfigureAwait(false));
        }

        return notes.Count == 0 ? "not sent; no provider was sent the request" : string.Join(", ", notes);
    }

    private static async Task<string> AbortAtAsync(GatewayProvider provider, string path, string uploadId, HttpMessageInvoker invoker, TimeProvider timeProvider, ILogger logger, string correlationId)
    {
        using var abort = new HttpRequestMessage(HttpMethod.Delete, provider.BaseUrl + path + "?uploadId=" + Uri.EscapeDataString(uploadId));
        foreach (var (name, value) in provider.Headers)
        {
            abort.Headers.TryAddWithoutValidation(name, value);
        }

        using var timeout = new CancellationTokenSource(Timeout, timeProvider);
        try
        {
            if (provider.Auth is { } auth)
            {
                // Signed (or given a token) like any attempt: the abort is a request of its own, with no body.
                var token = await auth.AcquireAsync(timeout.Token).ConfigureAwait(false);
                await auth.ApplyAsync(abort, token, new AttemptBody(Present: false, Replayable: null), timeout.Token).ConfigureAwait(false);
            }

            using var response = await invoker.SendAsync(abort, timeout.Token).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            // 404 (NoSuchUpload): the upload is gone already, which is what the abort is for.
            if (response.IsSuccessStatusCode || status == StatusCodes.Status404NotFound)
            {
                Log.Aborted(logger, uploadId, provider.Name, status, correlationId);
                return string.Create(CultureInfo.InvariantCulture, $"aborted at {provider.Name} ({status})");
            }

            Log.AbortFailed(logger, uploadId, provider.Name, "it answered " + status.ToString(CultureInfo.InvariantCulture), correlationId);
            return string.Create(CultureInfo.InvariantCulture, $"failed at {provider.Name} ({status})");
        }
        catch (ProviderAuthException e)
        {
            Log.AbortFailed(logger, uploadId, provider.Name, "no credentials: " + e.Message, correlationId);
            return $"failed at {provider.Name} (credentials)";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            string reason = e is OperationCanceledException ? "no answer within " + Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s" : e.Message;
            Log.AbortFailed(logger, uploadId, provider.Name, reason, correlationId);
            return $"failed at {provider.Name} ({(e is OperationCanceledException ? "timeout" : "unreachable")})";
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = EventIds.MultipartAborted, Level = LogLevel.Information, Message = "Multipart upload {UploadId} aborted at provider {Provider} ({Status}) after its request failed; correlation id {CorrelationId}")]
        public static partial void Aborted(ILogger logger, string uploadId, string provider, int status, string correlationId);

        [LoggerMessage(EventId = EventIds.MultipartAbortFailed, Level = LogLevel.Warning, Message = "Multipart upload {UploadId} could not be aborted at provider {Provider}: {Reason}; its parts may stay stored; correlation id {CorrelationId}")]
        public static partial void AbortFailed(ILogger logger, string uploadId, string provider, string reason, string correlationId);
    }
}
