namespace Bulwark.Gateway.Reload;

/// <summary>
/// Which settings a reload applies, and which changed settings only a restart would: the listen addresses come from
/// the command line, and Kestrel's limits, the drain, the admin token, request logging, telemetry and the reload's own
/// settings are read once when the gateway starts.
/// </summary>
internal static class ReloadableSettings
{
    /// <summary>The configuration paths a reload applies, with everything under them.</summary>
    public static readonly IReadOnlyList<string> Reloadable =
    [
        "Bulwark:Pipelines",
        "Bulwark:Providers",
        "Bulwark:Routes",
        "Bulwark:MaxBufferedBodyBytes",
        "Bulwark:MaxReplayableBodyBytes",
        "Bulwark:Limits:ConcurrencyPerClient",
        "Bulwark:Limits:RequestsPerMinutePerClient",
        // Read from the configuration in force on each request of a TrustedHeader route (which a reload may add).
        "Bulwark:Clients:UserHeader",
        // Budgets are put in place again by the budget loader on every applied reload (the image bound is read at start).
        "Bulwark:Budgets:TimeZone",
        "Bulwark:Budgets:DefaultMaxOutputTokens",
        "Bulwark:Budgets:Items",
    ];

    /// <summary>
    /// Flattens the <c>Bulwark</c> section into its keys and values (sections without a value left out). The host's own
    /// keys (listen addresses, environment) come from the command line and process, never from the file.
    /// </summary>
    public static Dictionary<string, string> Flatten(IConfiguration configuration)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.GetSection("Bulwark").AsEnumerable())
        {
            if (value is not null)
            {
                values[key] = value;
            }
        }

        return values;
    }

    /// <summary>
    /// The keys, in order, whose value in <paramref name="next"/> differs from the one the gateway started with and that a
    /// reload does not apply. Only names are returned: values may be secrets.
    /// </summary>
    public static IReadOnlyList<string> RestartRequired(IReadOnlyDictionary<string, string> started, IReadOnlyDictionary<string, string> next)
    {
        var changed = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in next)
        {
            if (!IsReloadable(key) && (!started.TryGetValue(key, out var before) || !string.Equals(before, value, StringComparison.Ordinal)))
            {
                changed.Add(key);
            }
        }

        foreach (var key in started.Keys)
        {
            if (!IsReloadable(key) && !next.ContainsKey(key))
            {
                changed.Add(key);
            }
        }

        return [.. changed];
    }

    public static bool IsReloadable(string key)
    {
        foreach (var prefix in Reloadable)
        {
            if (key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && (key.Length == prefix.Length || key[prefix.Length] == ':'))
            {
                return true;
            }
        }

        return false;
    }
}
