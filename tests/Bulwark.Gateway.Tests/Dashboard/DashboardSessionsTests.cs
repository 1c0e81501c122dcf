using Bulwark.AspNetCore.Admin;
using Bulwark.Gateway.Dashboard;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Gateway.Tests.Dashboard;

public sealed class DashboardSessionsTests
{
    private const string Token = "sessions-admin-token-0123456789";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TrySignIn_WrongToken_GivesNoSession()
    {
        var sessions = Sessions(Token);

        Assert.False(sessions.TrySignIn("sessions-admin-token-0123456780", out string cookie));
        Assert.Empty(cookie);
        Assert.False(sessions.TrySignIn(string.Empty, out _));
    }

    [Fact]
    public void TrySignIn_RightToken_GivesSignedCookieThatIsNotTheToken()
    {
        var sessions = Sessions(Token);

        Assert.True(sessions.TrySignIn("  " + Token + "\n", out string cookie));

        Assert.DoesNotContain(Token, cookie, StringComparison.Ordinal);
        Assert.StartsWith("v1.", cookie, StringComparison.Ordinal);
        var session = sessions.Read(cookie);
        Assert.NotNull(session);
        Assert.Equal(_time.GetUtcNow(), session.IssuedAt);
    }

    [Fact]
    public void Read_TamperedCookie_IsRefused()
    {
        var sessions = Sessions(Token);
        sessions.TrySignIn(Token, out string cookie);
        var parts = cookie.Split('.');

        // A later issue time (a longer session) with the old MAC, another nonce, a truncated MAC, garbage.
        Assert.Null(sessions.Read(string.Join('.', parts[0], (long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), parts[2], parts[3])));
        Assert.Null(sessions.Read(string.Join('.', parts[0], parts[1], "AAAAAAAAAAAAAAAAAAAAAA", parts[3])));
        Assert.Null(sessions.Read(cookie[..^2]));
        Assert.Null(sessions.Read("v1.1.2.3"));
        Assert.Null(sessions.Read(Token));
        Assert.Null(sessions.Read(null));
    }

    [Fact]
    public void Read_AfterTwelveHours_IsExpired()
    {
        var sessions = Sessions(Token);
        sessions.TrySignIn(Token, out string cookie);

        _time.Advance(DashboardConstants.SessionLifetime - TimeSpan.FromSeconds(1));
        Assert.NotNull(sessions.Read(cookie));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(sessions.Read(cookie));
    }

    [Fact]
    public void Read_TokenChanged_EndsTheSession()
    {
        Sessions(Token).TrySignIn(Token, out string cookie);

        Assert.NotNull(Sessions(Token).Read(cookie));
        Assert.Null(Sessions("another-admin-token-0123456789").Read(cookie));
    }

    [Fact]
    public void Revoke_SignedOutSession_IsRefusedButOthersStay()
    {
        var sessions = Sessions(Token);
        sessions.TrySignIn(Token, out string first);
        sessions.TrySignIn(Token, out string second);

        sessions.Revoke(sessions.Read(first)!);

        Assert.Null(sessions.Read(first));
        Assert.NotNull(sessions.Read(second));
    }

    [Fact]
    public void VerifyCsrf_OnlyTheSessionsOwnToken()
    {
        var sessions = Sessions(Token);
        sessions.TrySignIn(Token, out string first);
        sessions.TrySignIn(Token, out string second);
        var one = sessions.Read(first)!;
        var two = sessions.Read(second)!;

        Assert.True(sessions.VerifyCsrf(one, sessions.CsrfToken(one)));
        Assert.False(sessions.VerifyCsrf(one, sessions.CsrfToken(two)));
        Assert.False(sessions.VerifyCsrf(one, null));
        Assert.False(sessions.VerifyCsrf(one, "not base64url!"));
        Assert.NotEqual(sessions.CsrfToken(one), one.Nonce);
    }

    [Fact]
    public void IsEnabled_NoToken_IsOffAndReadsNothing()
    {
        var sessions = Sessions(token: null);

        Assert.False(sessions.IsEnabled);
        Assert.False(sessions.TrySignIn(Token, out _));
        Assert.Null(sessions.Read("v1.1.2.3"));
    }

    [Theory]
    [InlineData("http", false)]
    [InlineData("https", true)]
    public void CookieOptions_HttpOnlyStrictPathDashboard_SecureOverHttpsOnly(string scheme, bool secure)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;

        var options = DashboardSessions.CookieOptions(context.Request, DashboardConstants.SessionLifetime);

        Assert.True(options.HttpOnly);
        Assert.Equal(SameSiteMode.Strict, options.SameSite);
        Assert.Equal("/dashboard", options.Path);
        Assert.Equal(secure, options.Secure);
        Assert.Equal(TimeSpan.FromHours(12), options.MaxAge);
        context.Response.Cookies.Append(DashboardConstants.CookieName, "v", options);
        string header = context.Response.Headers.SetCookie.ToString();
        Assert.Contains("httponly", header, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", header, StringComparison.Ordinal);
        Assert.Equal(secure, header.Contains("secure", StringComparison.Ordinal));
    }

    private DashboardSessions Sessions(string? token) =>
        new(new AdminToken(Options.Create(new BulwarkAdminOptions { Token = token })), _time);
}
