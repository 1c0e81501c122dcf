namespace Bulwark.ErrorMonitoring;

/// <summary>Where an error happened: the provider, route and status that, with the type and message, make its fingerprint.</summary>
/// <remarks>
/// <see cref="Provider"/>, <see cref="Route"/>, <see cref="StatusCode"/> and <see cref="Service"/> are part of the fingerprint;
/// <see cref="Attributes"/> are not: they are kept, redacted, with the fingerprint's sample (at most 16, keys cut to 64
/// characters and values to 256).
/// </remarks>
public sealed record ErrorContext
{
    /// <summary>Gets a context that names nothing.</summary>
    public static ErrorContext None { get; } = new();

    /// <summary>Gets the provider (dependency) the error came from, if any.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the route or operation that failed, if any (a route template, not a path with ids in it).</summary>
    public string? Route { get; init; }

    /// <summary>Gets the HTTP status code of the failure, if any.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets the service that reported the error, if any.</summary>
    public string? Service { get; init; }

    /// <summary>Gets more about the occurrence (kept with the sample, redacted; not part of the fingerprint).</summary>
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }
}
