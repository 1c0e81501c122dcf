using System.Globalization;
using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Security;

/// <summary>
/// <c>security-concern</c> for each kind of refused or suspicious request counted at least
/// <see cref="GatewayAlertSignalsOptions.SecurityBurstThreshold"/> times in the last 5 minutes: Error for admin token
/// failures (someone is guessing the token), Warning for the others (client credentials refused, open-proxy attempts,
/// requests matching no route). Labels: <c>kind</c> (<c>admin-auth</c>, <c>client-auth</c>, <c>open-proxy</c>,
/// <c>no-route</c>); never the client's address or key.
/// </summary>
internal sealed class SecuritySignals(SecurityEvents events, IOptions<GatewayOptions> options) : IAlertSignalSource
{
    public const string Rule = "security-concern";

    private readonly int _threshold = options.Value.Alerts.Signals.SecurityBurstThreshold;

    public ValueTask<IReadOnlyList<AlertSignal>> EvaluateAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var signals = new List<AlertSignal>();
        foreach (var kind in Enum.GetValues<SecurityEventKind>())
        {
            long count = events.Last5Minutes(kind);
            if (count < _threshold)
            {
                continue;
            }

            var (name, what) = Describe(kind);
            signals.Add(new AlertSignal(
                Rule,
                new Dictionary<string, string>(StringComparer.Ordinal) { ["kind"] = name },
                kind == SecurityEventKind.AdminAuth ? AlertSeverity.Error : AlertSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture, $"{count} {what} in 5 minutes"),
                string.Create(CultureInfo.InvariantCulture, $"At or above the threshold of {_threshold} in 5 minutes (Bulwark:Alerts:Signals:SecurityBurstThreshold). The request log has each one, its client address included."),
                count));
        }

        return ValueTask.FromResult<IReadOnlyList<AlertSignal>>(signals);
    }

    private static (string Name, string What) Describe(SecurityEventKind kind) => kind switch
    {
        SecurityEventKind.AdminAuth => ("admin-auth", "admin token failures (401/403 on the admin API or the dashboard)"),
        SecurityEventKind.ClientAuth => ("client-auth", "client credentials refused (401)"),
        SecurityEventKind.OpenProxy => ("open-proxy", "open-proxy attempts (absolute-form targets, CONNECT)"),
        _ => ("no-route", "requests matching no route (404)"),
    };
}
