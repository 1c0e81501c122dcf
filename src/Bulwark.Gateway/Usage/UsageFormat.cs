namespace Bulwark.Gateway.Usage;

/// <summary>How a response body carries its usage.</summary>
internal enum UsageFormat
{
    /// <summary>Not read: not JSON or SSE, or encoded (compressed).</summary>
    None = 0,

    /// <summary>One JSON document: read whole once it ends, if it is within the bound.</summary>
    Json = 1,

    /// <summary>A <c>text/event-stream</c>: each <c>data:</c> line read as it passes.</summary>
    ServerSentEvents = 2,
}
