using Polly.Telemetry;

namespace Bulwark.Gateway.Routing;

/// <summary>
/// The severity Polly's telemetry gives the gateway's resilience events: a breaker's opening, half-opening and closing
/// are Debug, since <see cref="BreakerTransitionLogger"/> logs every transition with its provider, states and reason at
/// Warning or Information, and the same event twice in the default log (Polly's Error line beside it) reads as two
/// incidents. Every other event keeps the severity its strategy gave it. The events are counted as before
/// (<c>resilience.polly.strategy.events</c>), with this severity as their <c>event.severity</c>.
/// </summary>
internal static class BreakerEventSeverity
{
    // The names Polly's circuit breaker reports its transitions under, which Bulwark's breakers use too.
    private const string Opened = "OnCircuitOpened";
    private const string HalfOpened = "OnCircuitHalfOpened";
    private const string Closed = "OnCircuitClosed";

    public static ResilienceEventSeverity Of(SeverityProviderArguments args) => args.Event.EventName switch
    {
        Opened or HalfOpened or Closed => ResilienceEventSeverity.Debug,
        _ => args.Event.Severity,
    };
}
