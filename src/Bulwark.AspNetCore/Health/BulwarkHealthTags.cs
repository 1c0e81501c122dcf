namespace Bulwark.AspNetCore.Health;

/// <summary>The health check tags Bulwark's endpoints select on.</summary>
public static class BulwarkHealthTags
{
    /// <summary>Checks of the process itself, served by <c>/health/live</c>. Never tag a dependency check with it.</summary>
    public const string Live = "live";

    /// <summary>
    /// Checks that must pass before the instance takes traffic, served by <c>/health/ready</c>: configuration, draining,
    /// and whatever the application adds (for example its store) with
    /// <c>AddCheck&lt;T&gt;("store", tags: [BulwarkHealthTags.Ready])</c>.
    /// </summary>
    public const string Ready = "ready";

    /// <summary>Bulwark's own resilience checks (breakers, bulkheads, error rate, providers), reported by <c>/health</c>.</summary>
    public const string Resilience = "bulwark";
}
