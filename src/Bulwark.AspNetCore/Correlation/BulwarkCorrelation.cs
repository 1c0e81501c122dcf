using Microsoft.AspNetCore.Http;

namespace Bulwark.AspNetCore.Correlation;

/// <summary>
/// Reads and checks the form of correlation ids. The correlation middleware takes a client's id only when it has this
/// form and the PII redactor finds nothing in it (no card number, API key or configured pattern).
/// </summary>
public static class BulwarkCorrelation
{
    /// <summary>The default header that carries the correlation id: <c>X-Correlation-ID</c>.</summary>
    public const string DefaultHeaderName = "X-Correlation-ID";

    /// <summary>The name of the logging scope property and log field: <c>correlation_id</c>.</summary>
    public const string LogFieldName = "correlation_id";

    /// <summary>The longest correlation id accepted from a client: 128 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>
    /// Returns the correlation id the correlation middleware chose for <paramref name="context"/>, or
    /// <see langword="null"/> when the middleware did not run. The gateway sets this value, unchanged, on
    /// <c>BulwarkRequestFeature.CorrelationId</c>.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <returns>The correlation id, or <see langword="null"/>.</returns>
    public static string? Get(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IBulwarkCorrelationFeature>()?.CorrelationId;
    }

    /// <summary>
    /// Whether a client-supplied id has an acceptable form: 1 to 128 characters of <c>[A-Za-z0-9-_.:]</c>. (The
    /// correlation middleware also refuses an id of this form in which the PII redactor finds something.)
    /// </summary>
    /// <param name="value">The id.</param>
    /// <returns><see langword="true"/> if the id's form is acceptable.</returns>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }
}
