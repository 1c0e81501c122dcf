namespace Bulwark.Gateway.Configuration;

/// <summary>One production-readiness finding.</summary>
/// <param name="Severity">How much it matters.</param>
/// <param name="Code">A stable identifier, such as <c>admin-token-missing</c>, for scripts and suppression lists.</param>
/// <param name="Message">What is wrong and what to do about it.</param>
/// <param name="Path">The configuration path concerned, such as <c>Bulwark:Admin:Token</c>.</param>
internal sealed record ReadinessFinding(ReadinessSeverity Severity, string Code, string Message, string Path);
