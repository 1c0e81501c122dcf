using Bulwark.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Budgets;

/// <summary>Budget settings that cannot work are refused at start, every error with its path.</summary>
public class BudgetValidationTests
{
    private static IReadOnlyList<string> ErrorsOf(string budgets, string route = "\"Api\": \"OpenAI\", \"Clients\": \"Keys\"", string extra = "", string prices = "")
    {
        string json = $$"""
            {
              "Bulwark": {
                {{extra}}
                "Budgets": {{budgets}},
                "Providers": { "p": { "BaseUrl": "http://127.0.0.1:9" {{prices}} }, "cheap": { "BaseUrl": "http://127.0.0.1:10" } },
                "Routes": [ { "Path": "/v1/{**rest}", "Providers": [ "p" ], {{route}} } ]
              }
            }
            """;
        var error = Assert.Throws<OptionsValidationException>(() => GatewayConfiguration.Load(new GatewayHostSettings(null, json, [])
        {
            Environment = static name => name == "DOTNET_ENVIRONMENT" ? "Development" : null,
            EnvironmentOverrides = false,
        }));
        return error.Failures.ToList();
    }

    [Fact]
    public void EveryMistake_InOneBudgetsSection_IsListed()
    {
        var errors = ErrorsOf("""
            {
              "TimeZone": "Mars/Olympus_Mons",
              "DefaultMaxOutputTokens": 0,
              "Items": {
                "no limit": { },
                "rolling": { "Period": "Rolling", "Tokens": 10 },
                "window": { "Period": "Day", "Window": "01:00:00", "Tokens": 10 },
                "long": { "Period": "Rolling", "Window": "91.00:00:00", "Tokens": 10 },
                "negative": { "Cost": -1, "Tokens": 0 },
                "thresholds": { "Tokens": 10, "Warning": 0.9, "Critical": 0.8 },
                "cost": { "Cost": 5 }
              }
            }
            """);
        // Budgets in the order the configuration lists them (by name), each budget's errors in the order of its settings.
        Assert.Equal(
        [
            "Bulwark:Budgets:TimeZone: 'Mars/Olympus_Mons' is not a time zone this machine knows (an IANA name such as Europe/Berlin, or UTC).",
            "Bulwark:Budgets:DefaultMaxOutputTokens: 0 is out of range; allowed 1 to 1,000,000.",
            "Bulwark:Budgets:Items:cost:Cost: no provider of an AI route has Prices, so no request has a cost to count; set Prices or limit Tokens.",
            "Bulwark:Budgets:Items:long:Window: 91.00:00:00 is out of range; allowed 00:01:00 to 90.00:00:00.",
            "Bulwark:Budgets:Items:negative:Cost: -1 must be greater than 0.",
            "Bulwark:Budgets:Items:negative:Tokens: 0 must be greater than 0.",
            "Bulwark:Budgets:Items:no limit: 'no limit' is not a budget name; use 1 to 100 letters, digits, '-', '_' or '.'.",
            "Bulwark:Budgets:Items:no limit: neither Cost nor Tokens is set; a budget limits at least one.",
            "Bulwark:Budgets:Items:rolling:Window: required with Period: Rolling (for example 01:00:00 for the last hour).",
            "Bulwark:Budgets:Items:thresholds: Warning 0.9 and Critical 0.8 must satisfy 0 < Warning < Critical < 1 (shares of the limit).",
            "Bulwark:Budgets:Items:window:Window: only Period: Rolling has a window; Day is a calendar period.",
        ],
        errors);
    }

    [Theory]
    [InlineData("\"Api\": \"OpenAI\"", """{ "Items": { "u": { "Per": "User", "Tokens": 10 } } }""", "", "Bulwark:Budgets:Items:u: counts by user, which only routes with Clients: Keys or TrustedHeader know; no AI route has either, so this budget would count nothing.")]
    [InlineData("\"Api\": \"OpenAI\", \"Clients\": \"TrustedHeader\"", """{ "Items": { "t": { "Per": "Tier", "Tokens": 10 } } }""", "\"Clients\": { \"UserHeader\": \"X-User\" },", "Bulwark:Budgets:Items:t: counts by client key, team or tier, which only routes with Clients: Keys know; no AI route has it, so this budget would count nothing.")]
    [InlineData("\"Clients\": \"Keys\"", """{ "Items": { "g": { "Tokens": 10 } } }""", "", "Bulwark:Budgets:Items:g: budgets count AI requests, but no route has an Api (OpenAI or Anthropic), so this one would count nothing.")]
    [InlineData("\"Api\": \"OpenAI\"", """{ "Items": { "g": { "Tokens": 10 } } }""", "\"Storage\": { \"Provider\": \"InMemory\" },", "Bulwark:Budgets:Items: budgets need the SQLite or PostgreSQL store (their reservations and the usage ledger they are counted from); Bulwark:Storage:Provider is InMemory.")]
    [InlineData("\"Api\": \"OpenAI\"", """{ "Items": { "g": { "Period": "Month", "Tokens": 10 } } }""", "\"Storage\": { \"UsageRetention\": \"31.00:00:00\" },", "Bulwark:Budgets:Items:g:Period: Month needs Bulwark:Storage:UsageRetention of 32 days or more to be counted from the ledger; it is 31.00:00:00.")]
    [InlineData("\"Api\": \"OpenAI\"", """{ "Items": { "g": { "Period": "Day", "Tokens": 10 } } }""", "\"Storage\": { \"UsageRetention\": \"1.00:00:00\" },", "Bulwark:Budgets:Items:g:Period: Day needs Bulwark:Storage:UsageRetention of 2 days or more to be counted from the ledger; it is 1.00:00:00.")]
    [InlineData("\"Api\": \"OpenAI\", \"OnBudgetExceeded\": \"Fallback\"", """{ "Items": { "g": { "Tokens": 10 } } }""", "", "Bulwark:Routes:0:BudgetFallbackProviders: required with OnBudgetExceeded: Fallback (the cheaper providers to send a refused request to).")]
    [InlineData("\"Api\": \"OpenAI\", \"BudgetFallbackProviders\": [ \"cheap\" ]", """{ "Items": { "g": { "Tokens": 10 } } }""", "", "Bulwark:Routes:0:BudgetFallbackProviders: set, but OnBudgetExceeded is Refuse; only Fallback uses them.")]
    [InlineData("\"Api\": \"OpenAI\", \"OnBudgetExceeded\": \"Fallback\", \"BudgetFallbackProviders\": [ \"ghost\" ]", """{ "Items": { "g": { "Tokens": 10 } } }""", "", "Bulwark:Routes:0:BudgetFallbackProviders:0: 'ghost' is not a provider in Bulwark:Providers.")]
    [InlineData("\"Api\": \"OpenAI\", \"OnBudgetExceeded\": \"Fallback\", \"BudgetFallbackProviders\": [ \"cheap\" ]", """{ }""", "", "Bulwark:Routes:0:OnBudgetExceeded: Fallback is set, but Bulwark:Budgets:Items has no budget that could refuse a request.")]
    [InlineData("\"Api\": \"OpenAI\", \"OnFailure\": \"Defer\"", """{ "Items": { "g": { "Tokens": 10 } } }""", "", "Bulwark:Routes:0:OnFailure: Defer cannot be combined with budgets: a request delivered later could not be refused by them.")]
    public void Refuses_BudgetsThatCouldNeverCount_OrRoutesThatCannotHonourThem(string route, string budgets, string extra, string expected) =>
        Assert.Contains(expected, ErrorsOf(budgets, route, extra));
}
