using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Alerts.Channels;

/// <summary>An Email channel's SMTP settings, its password read from the environment.</summary>
internal sealed record EmailSettings(string Host, int Port, AlertEmailSecurity Security, string? UserName, string? Password, string From, IReadOnlyList<string> To);
