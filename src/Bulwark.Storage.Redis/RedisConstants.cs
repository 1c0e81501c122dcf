namespace Bulwark.Storage.Redis;

/// <summary>Defaults and bounds of <see cref="RedisSharedStateOptions"/>.</summary>
internal static class RedisConstants
{
    public const string DefaultKeyPrefix = "bulwark";

    public const int MaxKeyPrefixLength = 100;

    public const int MaxPermitLimit = 1_000_000_000;

    public const int MaxLimiterKeyLength = 512;

    public static readonly TimeSpan DefaultOperationTimeout = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MinOperationTimeout = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxOperationTimeout = TimeSpan.FromSeconds(30);
}
