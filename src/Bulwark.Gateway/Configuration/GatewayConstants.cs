namespace Bulwark.Gateway.Configuration;

/// <summary>Defaults, limits and header names of the gateway.</summary>
internal static class GatewayConstants
{
    /// <summary>The configuration section the gateway reads, which starts every path in a validation message.</summary>
    public const string ConfigurationRoot = "Bulwark";

    public const long DefaultMaxBufferedBodyBytes = 1024 * 1024;

    /// <summary>The most attempts a route's allowance may grant over all its providers.</summary>
    public const int MaxRouteAttempts = 1000;

    /// <summary>The status that, with <c>Retry-After</c>, proves a provider did not process a request unless a route lists others (<c>Routes[]:NotProcessedStatusCodes</c>).</summary>
    public const int DefaultNotProcessedStatusCode = 503;

    /// <summary>Kestrel's default request body limit: a larger buffer could never fill.</summary>
    public const long MaxMaxBufferedBodyBytes = 30_000_000;

    public const long DefaultMaxReplayableBodyBytes = 1L << 30;

    public const long MaxMaxReplayableBodyBytes = 1L << 40;

    public const long MaxSpoolBytes = 1L << 50;

    /// <summary>The header that tells a client the multipart upload its failed request belonged to was aborted (or why not).</summary>
    public const string MultipartAbortHeader = "X-Bulwark-Multipart-Abort";

    // No longer than the default drain timeout, so a deploy never cuts off a request the route would still wait for.
    public static readonly TimeSpan DefaultRouteTimeout = TimeSpan.FromSeconds(25);

    public static readonly TimeSpan DefaultDrainDelay = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MaxDrainDelay = TimeSpan.FromMinutes(5);

    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(25);

    public static readonly TimeSpan MinDrainTimeout = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxDrainTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How long after the drain timeout Kestrel's stop may cut the connections left (within the host's 10 s margin).</summary>
    public static readonly TimeSpan ServerStopMargin = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan DefaultReloadPollInterval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan MinReloadPollInterval = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan MaxReloadPollInterval = TimeSpan.FromHours(1);

    /// <summary>How long a reload waits after a file-system event for the writer to finish (as the configuration system's own reload).</summary>
    public static readonly TimeSpan ReloadDebounce = TimeSpan.FromMilliseconds(250);

    public const string ProviderHeader = "X-Bulwark-Provider";

    public const string AttemptsHeader = "X-Bulwark-Attempts";

    /// <summary>The response header that tells a budgeted request's standing: its tightest budget's level and share left, an advisory budget exceeded, or the budget fallback taken.</summary>
    public const string BudgetHeader = "X-Bulwark-Budget";

    public const string RetryHeader = "X-Bulwark-Retry";

    /// <summary>The model that answered an AI request (a non-streamed JSON response; a stream's trailer where the client accepts trailers).</summary>
    public const string ModelHeader = "X-Bulwark-Model";

    /// <summary>The tokens of an AI request: <c>input=1200; output=300; cached_input=200</c>.</summary>
    public const string TokensHeader = "X-Bulwark-Tokens";

    /// <summary>The cost of an AI request at the configured prices: <c>0.000345 USD</c>, or <c>unknown</c>.</summary>
    public const string CostHeader = "X-Bulwark-Cost";

    public const string CorrelationHeader = Bulwark.AspNetCore.Correlation.BulwarkCorrelation.DefaultHeaderName;

    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>The longest model name a provider's <c>Models</c> may map to: 256 characters.</summary>
    public const int MaxModelNameLength = 256;

    /// <summary>The <c>max_tokens</c> sent to an Anthropic provider for a translated chat completion that sets none (<c>DefaultMaxTokens</c>'s default).</summary>
    public const int DefaultAnthropicMaxTokens = 4096;

    /// <summary>The highest <c>DefaultMaxTokens</c> accepted.</summary>
    public const int MaxDefaultMaxTokens = 1_000_000;

    /// <summary>The <c>anthropic-version</c> sent with a translated request when the provider's headers set none.</summary>
    public const string AnthropicVersion = "2023-06-01";
}
