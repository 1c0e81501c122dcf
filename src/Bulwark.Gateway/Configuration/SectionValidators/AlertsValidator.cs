using System.Globalization;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// <c>Bulwark:Alerts</c> (the alert lifecycle, escalation and inhibition; the channels and signals have their own rules):
/// every interval in range, every matcher readable, every escalation level naming channels that exist.
/// </summary>
internal sealed class AlertsValidator : ISectionValidator
{
    private const string Root = GatewayConstants.ConfigurationRoot + ":Alerts";

    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Alerts is not { } alerts)
        {
            return;
        }

        Range(errors, "EvaluationInterval", alerts.EvaluationInterval, AlertsConstants.MinEvaluationInterval, AlertsConstants.MaxEvaluationInterval);
        Range(errors, "ResolveAfter", alerts.ResolveAfter, AlertsConstants.MinResolveAfter, AlertsConstants.MaxResolveAfter);
        Range(errors, "RepeatInterval", alerts.RepeatInterval, AlertsConstants.MinRepeatInterval, AlertsConstants.MaxRepeatInterval);
        if (alerts.RepeatInterval > AlertsConstants.AlertmanagerFiringHorizon
            && alerts.Channels.Any(static c => c.Value?.Type == AlertChannelType.Alertmanager))
        {
            // Alertmanager ends a firing alert at the endsAt Bulwark sends (24 h on): a repeat must renew it before then.
            errors.Add($"{Root}:RepeatInterval: {alerts.RepeatInterval:c} is longer than the {AlertsConstants.AlertmanagerFiringHorizon:c} an Alertmanager channel keeps an alert firing without news; use at most that.");
        }
        Range(errors, "ResolvedRetention", alerts.ResolvedRetention, AlertsConstants.MinResolvedRetention, AlertsConstants.MaxResolvedRetention);
        if (alerts.MaxAlerts is < 1 or > AlertsConstants.MaxMaxAlerts)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:MaxAlerts must be in [1, {AlertsConstants.MaxMaxAlerts}]; it is {alerts.MaxAlerts}."));
        }

        ValidateGroupBy(alerts, errors);
        if (alerts.ExternalUrl is { } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{Root}:ExternalUrl must be an absolute http or https URL; it is '{url}'.");
        }

        ValidatePolicies(alerts, errors);
        ValidateInhibit(alerts, errors);
    }

    private static void ValidateGroupBy(GatewayAlertsOptions alerts, List<string> errors)
    {
        if (alerts.GroupBy is not { } groupBy)
        {
            return;
        }

        if (groupBy.Count > AlertsConstants.MaxGroupBy)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:GroupBy names at most {AlertsConstants.MaxGroupBy} labels; it names {groupBy.Count}."));
        }

        for (int i = 0; i < groupBy.Count; i++)
        {
            LabelName(errors, $"{Root}:GroupBy:{i}", groupBy[i]);
        }
    }

    private static void ValidatePolicies(GatewayAlertsOptions alerts, List<string> errors)
    {
        foreach (var (name, policy) in alerts.Escalation.Policies)
        {
            string where = $"{Root}:Escalation:Policies:{name}";
            if (policy is null)
            {
                errors.Add($"{where} must have Levels.");
                continue;
            }

            AlertMatcher.ParseAll(policy.Matchers, $"{where}:Matchers", errors);
            if (policy.Matchers.Count == 0 && !string.Equals(name, AlertsConstants.DefaultPolicy, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{where}:Matchers must name at least one matcher (only the policy named '{AlertsConstants.DefaultPolicy}' takes every alert).");
            }

            if (policy.Levels.Count is 0 or > AlertsConstants.MaxLevels)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"{where}:Levels must have 1 to {AlertsConstants.MaxLevels} levels; it has {policy.Levels.Count}."));
            }

            for (int i = 0; i < policy.Levels.Count; i++)
            {
                ValidateLevel(alerts, $"{where}:Levels:{i}", policy.Levels[i], errors);
            }
        }
    }

    private static void ValidateLevel(GatewayAlertsOptions alerts, string where, GatewayAlertEscalationLevelOptions? level, List<string> errors)
    {
        if (level is null)
        {
            errors.Add($"{where} must have Channels.");
            return;
        }

        Range(errors, where[(Root.Length + 1)..] + ":After", level.After, TimeSpan.Zero, AlertsConstants.MaxLevelAfter);
        if (!AlertsConstants.Severities.Contains(level.MinSeverity ?? string.Empty, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"{where}:MinSeverity must be one of {string.Join(", ", AlertsConstants.Severities)}; it is '{level.MinSeverity}'.");
        }

        if (level.Channels.Count == 0)
        {
            errors.Add($"{where}:Channels must name at least one channel of {Root}:Channels.");
        }

        for (int i = 0; i < level.Channels.Count; i++)
        {
            string? channel = level.Channels[i];
            if (!alerts.Channels.ContainsKey(channel ?? string.Empty))
            {
                errors.Add($"{where}:Channels:{i} names '{channel}', which is not a channel of {Root}:Channels{(alerts.Channels.Count == 0 ? " (none is configured)" : $" ({string.Join(", ", alerts.Channels.Keys.Order(StringComparer.Ordinal))})")}.");
            }
        }
    }

    private static void ValidateInhibit(GatewayAlertsOptions alerts, List<string> errors)
    {
        for (int i = 0; i < alerts.Inhibit.Count; i++)
        {
            string where = $"{Root}:Inhibit:{i}";
            if (alerts.Inhibit[i] is not { } rule)
            {
                errors.Add($"{where} must have SourceMatchers and TargetMatchers.");
                continue;
            }

            if (rule.SourceMatchers.Count == 0)
            {
                errors.Add($"{where}:SourceMatchers must name at least one matcher.");
            }

            if (rule.TargetMatchers.Count == 0)
            {
                errors.Add($"{where}:TargetMatchers must name at least one matcher.");
            }

            AlertMatcher.ParseAll(rule.SourceMatchers, $"{where}:SourceMatchers", errors);
            AlertMatcher.ParseAll(rule.TargetMatchers, $"{where}:TargetMatchers", errors);
            for (int j = 0; j < rule.Equal.Count; j++)
            {
                LabelName(errors, $"{where}:Equal:{j}", rule.Equal[j]);
            }
        }
    }

    private static void LabelName(List<string> errors, string where, string? name)
    {
        if (AlertMatcher.Create(name, "=", string.Empty, out _) is null)
        {
            errors.Add($"{where} must be a label name (letters, digits, '_', '-' or '.', starting with a letter or '_'); it is '{name}'.");
        }
    }

    private static void Range(List<string> errors, string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Root}:{key} must be in [{min}, {max}]; it is {value}."));
        }
    }
}
