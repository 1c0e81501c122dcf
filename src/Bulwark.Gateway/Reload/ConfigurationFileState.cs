namespace Bulwark.Gateway.Reload;

/// <summary>The content hash of the configuration file when the gateway read it at start-up, or <see langword="null"/>.</summary>
internal sealed record ConfigurationFileState(string? Fingerprint);
