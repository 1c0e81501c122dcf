namespace Bulwark.Gateway.Configuration;

/// <summary>A route's <c>Uploads</c> section: what the gateway does for the multi-step uploads of storage APIs.</summary>
public sealed class GatewayRouteUploadsOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether a request that is part of an S3 multipart upload (its query carries
    /// <c>uploadId</c>: UploadPart, UploadPartCopy, CompleteMultipartUpload) and that failed after all its retries and
    /// failovers is followed by that upload's abort (S3 AbortMultipartUpload: <c>DELETE</c> of the same path with
    /// <c>?uploadId=</c> only), sent to the provider that last took the request, with the request's own headers for
    /// authorization, so that no orphan parts stay stored (and billed). The abort is logged (events 2055, 2056) and said
    /// in the answer's <c>X-Bulwark-Multipart-Abort</c> header; the client's own request still fails as it would have.
    /// </summary>
    /// <value>Defaults to <see langword="false"/>. Not allowed on a route with an <c>Api</c> kind.</value>
    public bool AbortMultipartOnFailure { get; set; }
}
