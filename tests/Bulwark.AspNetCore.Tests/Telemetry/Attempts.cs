using Bulwark.Failover;
using Bulwark.Outcomes;

namespace Bulwark.AspNetCore.Tests.Telemetry;

/// <summary>A request's attempts as the failover executor reports them: a fails then times out, b is skipped, c's bulkhead rejects, d serves.</summary>
internal static class Attempts
{
    public static readonly FailoverAttempt[] FailoverChain =
    [
        new("a", 1, FailoverAttemptKind.Failure, 503, "Bulwark.Gateway.Forwarding.UpstreamResponseException", TimeSpan.FromMilliseconds(40), AttemptOutcome.TransientStatus, true),
        new("a", 2, FailoverAttemptKind.Rejected, null, "Polly.Timeout.TimeoutRejectedException", TimeSpan.FromMilliseconds(30), AttemptOutcome.Timeout, true),
        new("b", 0, FailoverAttemptKind.Skipped, null, null, TimeSpan.Zero, AttemptOutcome.Skipped, false),
        new("c", 1, FailoverAttemptKind.Rejected, null, "Bulwark.Bulkhead.BulkheadRejectedException", TimeSpan.Zero, AttemptOutcome.BulkheadFull, false),
        new("d", 1, FailoverAttemptKind.Success, 200, null, TimeSpan.FromMilliseconds(20), AttemptOutcome.Success, true),
    ];
}
