using System.Net;
using System.Text.Json.Nodes;

namespace Bulwark.Gateway.Tests.Dashboard;

/// <summary>An HTTP client of the operator page that handles its session cookie itself (no cookie jar, no redirects followed).</summary>
internal sealed class OperatorPageClient : IDisposable
{
    public OperatorPageClient(Uri baseAddress) =>
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    public HttpClient Http { get; }

    /// <summary>Gets or sets the session cookie sent with every request (<c>bulwark_dashboard=...</c>), if any.</summary>
    public string? Cookie { get; set; }

    /// <summary>Posts the sign-in form; on success keeps the session cookie the gateway set.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string token, string? secFetchSite = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/dashboard/login")
        {
            Content = new FormUrlEncodedContent([new("token", token)]),
        };
        if (secFetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", secFetchSite);
        }

        var response = await Http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.SeeOther && response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            Cookie = cookies.Single().Split(';')[0];
        }

        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(string path, string? csrf = null, string? secFetchSite = null) => SendAsync(HttpMethod.Post, path, csrf, secFetchSite);

    /// <summary>Reads the page's data; fails the test unless it answers 200.</summary>
    public async Task<JsonNode> StateAsync(long? since = null)
    {
        using var response = await GetAsync("/dashboard/api/state" + (since is { } s ? "?since=" + s : string.Empty));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? csrf = null, string? secFetchSite = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (Cookie is not null)
        {
            request.Headers.Add("Cookie", Cookie);
        }

        if (csrf is not null)
        {
            request.Headers.Add("X-Bulwark-CSRF", csrf);
        }

        if (secFetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", secFetchSite);
        }

        return await Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();
}
