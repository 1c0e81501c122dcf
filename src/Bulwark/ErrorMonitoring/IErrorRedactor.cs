namespace Bulwark.ErrorMonitoring;

/// <summary>
/// Removes personal data and secrets from an error's message and attributes before the monitor keeps them as a sample.
/// Register one (Bulwark.AspNetCore's PII redactor, the one request logs use, adapted) to keep readable samples; without
/// one, the sample is the normalized message, in which numbers, ids, emails, addresses, query values and quoted values are masked.
/// </summary>
public interface IErrorRedactor
{
    /// <summary>Returns <paramref name="value"/> with every finding replaced; must not throw.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The redacted text.</returns>
    string Redact(string value);
}
