using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Tests.Configuration;

public class AlertMatcherTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["provider"] = "openai", ["route"] = "chat-v2" };

    [Theory]
    [InlineData("provider=openai", true)]
    [InlineData("provider = \"openai\"", true)]
    [InlineData("provider=anthropic", false)]
    [InlineData("provider!=anthropic", true)]
    [InlineData("team!=ops", true)]
    [InlineData("team=", true)]
    [InlineData("route=~chat-.*", true)]
    [InlineData("route=~chat", false)]
    [InlineData("route!~chat", true)]
    [InlineData("route!~\"chat-v[0-9]\"", false)]
    [InlineData("rule=breaker-open", true)]
    [InlineData("rule=~breaker-(open|stuck)", true)]
    public void Matches_AsAlertmanager(string text, bool expected)
    {
        var matcher = AlertMatcher.Parse(text, out string? error);
        Assert.Null(error);
        Assert.Equal(expected, matcher!.Matches("breaker-open", Labels));
    }

    [Theory]
    [InlineData("provider", "matcher 'provider' must be name=value, name!=value, name=~regex or name!~regex")]
    [InlineData("=openai", "matcher '=openai': label name '' must be letters, digits, '_', '-' or '.', starting with a letter or '_'")]
    [InlineData("route=~(chat", "matcher 'route=~(chat': '(chat' is not a valid regex (Invalid pattern '^(?:(chat)$' at offset 11. Not enough )'s.)")]
    public void Parse_BadMatcher_SaysWhy(string text, string expected)
    {
        Assert.Null(AlertMatcher.Parse(text, out string? error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Create_UnknownOperator_IsRefused()
    {
        Assert.Null(AlertMatcher.Create("provider", "==", "x", out string? error));
        Assert.Equal("operator '==' must be one of '=', '!=', '=~' and '!~'", error);
    }
}
