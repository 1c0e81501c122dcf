using Bulwark.AspNetCore.Tests.Logging;

namespace Bulwark.AspNetCore.Tests.Observability;

/// <summary>
/// Every correlation and request-log test again, with the two added as <c>UseBulwarkObservability</c> (telemetry and
/// error rate not registered, so left out): the one middleware behaves as the two.
/// </summary>
public sealed class ObservabilityRequestLoggingTests : RequestLoggingIntegrationTests
{
    protected override bool UsesObservabilityMiddleware => true;
}
