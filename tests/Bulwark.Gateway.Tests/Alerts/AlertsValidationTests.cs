using Bulwark.Gateway.Alerts;
using Bulwark.Gateway.Configuration;
using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Alerts;

/// <summary>Alert settings that cannot work are refused at start, every error with its path; good ones reach the book.</summary>
public class AlertsValidationTests
{
    private static string Json(string alerts) => $$"""
        {
          "Bulwark": {
            "Alerts": {{alerts}},
            "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" } },
            "Routes": [ { "Path": "/v1/{**rest}", "Providers": [ "p" ] } ]
          }
        }
        """;

    private static GatewayHostSettings Settings(string alerts) => new(null, Json(alerts), []) { Environment = static _ => null, EnvironmentOverrides = false };

    private static IReadOnlyList<string> ErrorsOf(string alerts) =>
        [.. Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(Settings(alerts))).Failures.Where(static f => f.Contains("Bulwark:Alerts", StringComparison.Ordinal))];

    [Fact]
    public void RepeatInterval_LongerThanAlertmanagersFiringHorizon_IsRefused_WhenAnAlertmanagerChannelExists()
    {
        var errors = ErrorsOf("""
            {
              "RepeatInterval": "1.00:00:01",
              "Channels": { "am": { "Type": "Alertmanager", "Url": "http://127.0.0.1:9093" } }
            }
            """);

        Assert.Contains("Bulwark:Alerts:RepeatInterval: 1.00:00:01 is longer than the 1.00:00:00 an Alertmanager channel keeps an alert firing without news; use at most that.", errors);
        Assert.DoesNotContain(ErrorsOf("""{ "RepeatInterval": "2.00:00:00", "MaxAlerts": 0 }"""), e => e.Contains("RepeatInterval", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryMistake_InOneAlertsSection_IsListed()
    {
        var errors = ErrorsOf("""
            {
              "EvaluationInterval": "00:00:00.500",
              "ResolveAfter": "8.00:00:00",
              "RepeatInterval": "00:00:30",
              "ResolvedRetention": "31.00:00:00",
              "MaxAlerts": 0,
              "GroupBy": [ "provider", "bad label" ],
              "ExternalUrl": "ftp://example.com",
              "Channels": { "slack": { "Type": "Slack", "Url": "http://127.0.0.1:9/slack" } },
              "Escalation": { "Policies": {
                "default": { "Levels": [ { "After": "-00:01:00", "MinSeverity": "Fatal", "Channels": [ "slack", "pagerduty" ] } ] },
                "payments": { "Matchers": [ "route=~(pay" ], "Levels": [] },
                "nomatch": { "Levels": [ { "Channels": [] } ] }
              } },
              "Inhibit": [ { "SourceMatchers": [ "rule" ], "TargetMatchers": [], "Equal": [ "1x" ] } ]
            }
            """);

        Assert.Equal(
            [
                "Bulwark:Alerts:EvaluationInterval must be in [00:00:01, 00:10:00]; it is 00:00:00.5000000.",
                "Bulwark:Alerts:ResolveAfter must be in [00:00:01, 7.00:00:00]; it is 8.00:00:00.",
                "Bulwark:Alerts:RepeatInterval must be in [00:01:00, 30.00:00:00]; it is 00:00:30.",
                "Bulwark:Alerts:ResolvedRetention must be in [00:01:00, 30.00:00:00]; it is 31.00:00:00.",
                "Bulwark:Alerts:MaxAlerts must be in [1, 100000]; it is 0.",
                "Bulwark:Alerts:GroupBy:1 must be a label name (letters, digits, '_', '-' or '.', starting with a letter or '_'); it is 'bad label'.",
                "Bulwark:Alerts:ExternalUrl must be an absolute http or https URL; it is 'ftp://example.com'.",
                "Bulwark:Alerts:Escalation:Policies:default:Levels:0:After must be in [00:00:00, 7.00:00:00]; it is -00:01:00.",
                "Bulwark:Alerts:Escalation:Policies:default:Levels:0:MinSeverity must be one of Info, Warning, Error, Critical; it is 'Fatal'.",
                "Bulwark:Alerts:Escalation:Policies:default:Levels:0:Channels:1 names 'pagerduty', which is not a channel of Bulwark:Alerts:Channels (slack).",
                "Bulwark:Alerts:Escalation:Policies:nomatch:Matchers must name at least one matcher (only the policy named 'default' takes every alert).",
                "Bulwark:Alerts:Escalation:Policies:nomatch:Levels:0:Channels must name at least one channel of Bulwark:Alerts:Channels.",
                "Bulwark:Alerts:Escalation:Policies:payments:Matchers:0 matcher 'route=~(pay': '(pay' is not a valid regex (Invalid pattern '^(?:(pay)$' at offset 10. Not enough )'s.).",
                "Bulwark:Alerts:Escalation:Policies:payments:Levels must have 1 to 20 levels; it has 0.",
                "Bulwark:Alerts:Inhibit:0:TargetMatchers must name at least one matcher.",
                "Bulwark:Alerts:Inhibit:0:SourceMatchers:0 matcher 'rule' must be name=value, name!=value, name=~regex or name!~regex.",
                "Bulwark:Alerts:Inhibit:0:Equal:0 must be a label name (letters, digits, '_', '-' or '.', starting with a letter or '_'); it is '1x'.",
            ],
            errors.OrderBy(static e => e.Contains(":Inhibit", StringComparison.Ordinal) ? 2 : e.Contains(":Escalation", StringComparison.Ordinal) ? 1 : 0).ToList());
    }

    [Fact]
    public void From_TakesEverySetting_IntoTheBook()
    {
        var options = GatewayConfiguration.Load(Settings("""
            {
              "EvaluationInterval": "00:00:05",
              "ResolveAfter": "00:10:00",
              "RepeatInterval": "02:00:00",
              "ResolvedRetention": "2.00:00:00",
              "MaxAlerts": 50,
              "GroupBy": [ "route" ],
              "ExternalUrl": "https://bulwark.example.com",
              "Channels": { "slack": { "Type": "Slack", "Url": "http://127.0.0.1:9/slack" }, "pager": { "Type": "PagerDuty", "Url": "http://127.0.0.1:9/pager", "RoutingKey": "test-routing-key" } },
              "Escalation": { "Policies": {
                "default": { "Levels": [ { "After": "00:00:00", "MinSeverity": "warning", "Channels": [ "slack" ] } ] },
                "payments": { "Matchers": [ "route=payments" ], "Levels": [ { "After": "00:05:00", "MinSeverity": "Critical", "Channels": [ "Pager", "slack" ] } ] }
              } },
              "Inhibit": [ { "SourceMatchers": [ "rule=store-degraded" ], "TargetMatchers": [ "rule!=store-degraded" ], "Equal": [ "region" ] } ]
            }
            """)).Options.Alerts;
        Assert.Equal(TimeSpan.FromSeconds(5), options.EvaluationInterval);

        var settings = AlertBookSettings.From(options);
        Assert.Equal(TimeSpan.FromMinutes(10), settings.ResolveAfter);
        Assert.Equal(TimeSpan.FromHours(2), settings.RepeatInterval);
        Assert.Equal(TimeSpan.FromDays(2), settings.ResolvedRetention);
        Assert.Equal(50, settings.MaxAlerts);
        Assert.Equal(["route"], settings.GroupBy);
        Assert.Equal("https://bulwark.example.com", settings.ExternalUrl);

        // The others first, by name; default last.
        Assert.Equal(["payments", "default"], settings.Policies.Select(static p => p.Name));
        var payments = settings.Policies[0];
        Assert.Equal("route=\"payments\"", Assert.Single(payments.Matchers).ToString());
        var level = Assert.Single(payments.Levels);
        Assert.Equal((TimeSpan.FromMinutes(5), AlertSeverity.Critical), (level.After, level.MinSeverity));
        Assert.Equal(["pager", "slack"], level.Channels); // as Channels spells it: the queue's name
        Assert.Equal(AlertSeverity.Warning, settings.Policies[1].Levels[0].MinSeverity);

        var inhibit = Assert.Single(settings.Inhibit);
        Assert.Equal(["region"], inhibit.Equal);
        Assert.Equal("rule=\"store-degraded\"", Assert.Single(inhibit.Source).ToString());
        Assert.Equal("rule!=\"store-degraded\"", Assert.Single(inhibit.Target).ToString());
    }

    [Fact]
    public void Defaults_GroupByProvider_AndTheBreakerInhibitsTheErrorAlertsOfItsProvider()
    {
        var settings = AlertBookSettings.From(new GatewayAlertsOptions());
        Assert.Equal(["provider"], settings.GroupBy);
        Assert.Equal(TimeSpan.FromMinutes(5), settings.ResolveAfter);
        Assert.Equal(TimeSpan.FromHours(4), settings.RepeatInterval);
        Assert.Equal(1000, settings.MaxAlerts);
        Assert.Equal(TimeSpan.FromHours(24), settings.ResolvedRetention);
        Assert.Empty(settings.Policies);
        var rule = Assert.Single(settings.Inhibit);
        Assert.Equal(["provider"], rule.Equal);
        Assert.Equal("rule=\"breaker-open\"", Assert.Single(rule.Source).ToString());
        Assert.Equal(TimeSpan.FromSeconds(15), new GatewayAlertsOptions().EvaluationInterval);
    }
}
