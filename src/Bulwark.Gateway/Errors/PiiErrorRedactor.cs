using Bulwark.AspNetCore.Redaction;
using Bulwark.ErrorMonitoring;

namespace Bulwark.Gateway.Errors;

/// <summary>The error monitor's samples go through the same <see cref="PiiRedactor"/> as the request log.</summary>
internal sealed class PiiErrorRedactor(PiiRedactor redactor) : IErrorRedactor
{
    public string Redact(string value) => redactor.Redact(value);
}
