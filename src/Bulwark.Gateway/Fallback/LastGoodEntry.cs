namespace Bulwark.Gateway.Fallback;

/// <summary>A kept successful response: what it said, and when it was kept.</summary>
internal sealed record LastGoodEntry(int StatusCode, IReadOnlyList<KeyValuePair<string, string[]>> Headers, byte[] Body, DateTimeOffset KeptAt);
