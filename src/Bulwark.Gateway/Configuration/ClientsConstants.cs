namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults and ranges of client identity (<c>Bulwark:Clients</c>, <c>Routes[]:Clients</c>).</summary>
internal static class ClientsConstants
{
    /// <summary>How long a validated key is trusted from memory before the store is asked again.</summary>
    public static readonly TimeSpan DefaultKeyCacheDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan MaxKeyCacheDuration = TimeSpan.FromMinutes(10);

    /// <summary>What every gateway-issued key starts with (so a leaked one is recognisable, and scanners can find it).</summary>
    public const string KeyPrefix = "bwk_";

    /// <summary>The longest owner, team, tier or name accepted.</summary>
    public const int MaxLabelLength = 200;
}
