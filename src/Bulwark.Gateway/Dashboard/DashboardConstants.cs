namespace Bulwark.Gateway.Dashboard;

/// <summary>The operator page's paths, cookie and timings.</summary>
internal static class DashboardConstants
{
    /// <summary>The page; everything it uses lives under it, so its cookie's path covers them all.</summary>
    public const string Path = "/dashboard";

    public const string LoginPath = Path + "/login";

    public const string LogoutPath = Path + "/logout";

    public const string AssetsPath = Path + "/assets";

    public const string StatePath = Path + "/api/state";

    public const string CookieName = "bulwark_dashboard";

    /// <summary>The request header that carries the anti-forgery token on a state-changing call.</summary>
    public const string CsrfHeader = "X-Bulwark-CSRF";

    /// <summary>The login form's field.</summary>
    public const string TokenField = "token";

    /// <summary>How long a sign-in lasts, whatever the browser does with the cookie.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromHours(12);

    /// <summary>How often the page asks for new data while it is visible.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How many one-second points the charts keep (five minutes).</summary>
    public const int HistorySeconds = 300;

    /// <summary>How many breaker transitions the page lists.</summary>
    public const int TransitionCapacity = 100;

    /// <summary>How many dead letters the page lists (newest first).</summary>
    public const int DeadLetterCount = 10;

    /// <summary>How many budget counters the page lists: those that have used the largest share of their limit.</summary>
    public const int BudgetCount = 50;

    /// <summary>
    /// How long a reading of the budget counters (with their forecasts) is reused before the book is read again: reading it
    /// walks every counter under the lock that reservations take (about half a second for 100,000 counters).
    /// </summary>
    public static readonly TimeSpan BudgetReadingMaxAge = TimeSpan.FromSeconds(5);

    /// <summary>How long a reading of the store (delivery counts, dead letters, usage) is reused before it is read again.</summary>
    public static readonly TimeSpan StoreReadingMaxAge = TimeSpan.FromSeconds(5);

    /// <summary>Providers with a traffic series of their own; past it, series of providers no longer configured are dropped first.</summary>
    public const int MaxProviderSeries = 64;

    /// <summary>The page's Content-Security-Policy: its own script and style only, no inline code, no framing, no other origin.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}
