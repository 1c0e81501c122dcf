namespace Bulwark.AspNetCore.Logging;

/// <summary>Registered by <c>AddBulwarkRequestLogging</c>, so <c>UseBulwarkRequestLogging</c> can tell it was called.</summary>
internal sealed class BulwarkRequestLoggingMarker;
