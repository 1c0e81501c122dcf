using Bulwark.ErrorMonitoring;

namespace Bulwark.Gateway.Errors;

/// <summary>An error a service reported through <c>POST /bulwark/errors</c>, as read and checked.</summary>
internal sealed record ErrorReport(
    string Type,
    string Message,
    ErrorSeverity Severity,
    string? Service,
    string? Route,
    string? Provider,
    int? Status,
    IReadOnlyDictionary<string, string>? Attributes,
    bool RecoveryAttempted,
    bool RecoverySucceeded);
