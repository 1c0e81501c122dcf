namespace Bulwark.Gateway.Configuration;

/// <summary>How an Email alert channel protects its SMTP connection (<c>Security</c>).</summary>
public enum AlertEmailSecurity
{
    /// <summary>Plain text: credentials and alerts cross the network readable. Loopback relays only.</summary>
    None = 0,

    /// <summary>Connect in plain text, then STARTTLS; the send fails if the server does not offer it (port 587).</summary>
    StartTls = 1,

    /// <summary>TLS from the first byte (port 465).</summary>
    SslOnConnect = 2,

    /// <summary>STARTTLS when the server offers it, else plain text: an attacker on the path can strip it.</summary>
    Auto = 3,
}
