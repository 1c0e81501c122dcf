namespace Bulwark.AspNetCore.Correlation;

/// <summary>Options of the correlation middleware.</summary>
public sealed class BulwarkCorrelationOptions
{
    /// <summary>Gets or sets the header read from the request and written on the response.</summary>
    /// <value>The default is <c>X-Correlation-ID</c>.</value>
    public string HeaderName { get; set; } = BulwarkCorrelation.DefaultHeaderName;

    /// <summary>
    /// Gets or sets a value indicating whether a request without a valid header (missing, malformed, or holding what the
    /// PII redactor finds) takes its W3C trace id (from <c>traceparent</c> or the hosting activity) as correlation id;
    /// otherwise it gets a new random id.
    /// </summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool UseTraceId { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the id is written on the response header.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool WriteResponseHeader { get; set; } = true;
}
