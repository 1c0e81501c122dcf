using Polly.Telemetry;

namespace Bulwark.Bulkhead;

internal static class BulkheadConstants
{
    public const string DefaultName = "Bulkhead";

    public const string OnBulkheadRejectedEvent = "OnBulkheadRejected";

    public const int DefaultMaxConcurrency = 100;

    public const int MinMaxConcurrency = 1;

    public const int MaxMaxConcurrency = 100_000;

    public const int DefaultQueueLimit = 100;

    public const int MinQueueLimit = 0;

    public const int MaxQueueLimit = 100_000;

    public const string MinMaxWait = "00:00:00";

    public const string MaxMaxWait = "1.00:00:00";

    public static readonly TimeSpan DefaultMaxWait = TimeSpan.FromSeconds(1);

    public static readonly ResilienceEvent RejectedEvent = new(ResilienceEventSeverity.Error, OnBulkheadRejectedEvent);
}
