using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Bulwark.Deliveries;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.Gateway.Tests.Deferral;

/// <summary>
/// Deferring a request and following its delivery, for the tests of the delivery settings. The client marks its own
/// request with <c>X-Direct</c>, which is not replayed: the provider refuses the direct attempt (so the request is
/// deferred) and tells deliveries apart by that header's absence.
/// </summary>
internal static class Deliveries
{
    public const string DirectHeader = "X-Direct";

    /// <summary>Gets a value indicating whether <paramref name="request"/> is a delivery, not the client's direct attempt.</summary>
    public static bool IsDelivery(RecordedRequest request) => !request.Headers.ContainsKey(DirectHeader);

    /// <summary>The deliveries <paramref name="provider"/> received, in order.</summary>
    public static RecordedRequest[] Of(Upstream provider) => [.. provider.Snapshot().Where(IsDelivery)];

    /// <summary>A provider behaviour: 503 to the client's direct attempt, <paramref name="delivery"/> to a delivery.</summary>
    public static Func<HttpContext, int, Task> DirectFails(Func<HttpContext, int, Task> delivery) => (context, n) =>
        context.Request.Headers.ContainsKey(DirectHeader) ? Upstream.Status(StatusCodes.Status503ServiceUnavailable)(context, n) : delivery(context, n);

    /// <summary>A delivery behaviour: 201 with a small JSON body.</summary>
    public static async Task Created(HttpContext context, int n)
    {
        context.Response.StatusCode = StatusCodes.Status201Created;
        await context.Response.WriteAsJsonAsync(new { delivered = n });
    }

    /// <summary>Posts a keyed charge that the provider refuses, asserts it is deferred (202), and returns its status path.</summary>
    public static async Task<string> DeferAsync(GatewayUnderTest gateway, string key, IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = DeferralTests.Post("/payments/charges", key, $$"""{"key":"{{key}}"}""");
        request.Headers.Add(DirectHeader, "1");
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        using var response = await gateway.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response.Headers.Location!.ToString();
    }

    /// <summary>The delivery id at the end of a status path.</summary>
    public static string IdOf(string location) => location[(location.LastIndexOf('/') + 1)..];

    /// <summary>The client's view of a delivery (<c>GET /bulwark/deliveries/{id}</c>).</summary>
    public static async Task<JsonElement> StatusAsync(GatewayUnderTest gateway, string location)
    {
        using var response = await gateway.Client.GetAsync(location);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The operator's view of a delivery (<c>GET /admin/deliveries/{id}</c>): lease and last error included.</summary>
    public static Task<JsonElement> OperatorViewAsync(GatewayUnderTest gateway, string location) => AdminAsync(gateway, HttpMethod.Get, "/admin/deliveries/" + IdOf(location));

    /// <summary>An admin request with the token; asserts success and returns the JSON body.</summary>
    public static async Task<JsonElement> AdminAsync(GatewayUnderTest gateway, HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", DeferralConfigs.AdminToken);
        using var response = await gateway.Client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The number of deliveries in <paramref name="state"/> (<c>pending</c>, <c>in-progress</c>, ...), from the admin's counts.</summary>
    public static async Task<long> CountAsync(GatewayUnderTest gateway, string state)
    {
        var list = await AdminAsync(gateway, HttpMethod.Get, "/admin/deliveries?limit=1");
        return list.GetProperty("counts").TryGetProperty(state, out var count) ? count.GetInt64() : 0;
    }

    /// <summary>
    /// Polls the delivery's state until it is one of <paramref name="states"/> (<c>gone</c> once its status is 404), waking
    /// the dispatcher at each look (so a clock a test moved is acted on at once, whatever the poll interval), and returns
    /// the state it reached.
    /// </summary>
    public static async Task<string> UntilStateAsync(GatewayUnderTest gateway, string location, params string[] states)
    {
        var signal = gateway.Services.GetRequiredService<DeliverySignal>();
        string? state = null;
        await Poll.UntilAsync(
            () =>
            {
                signal.Wake();
                using var response = gateway.Client.GetAsync(location).GetAwaiter().GetResult();
                state = response.StatusCode == HttpStatusCode.NotFound
                    ? "gone"
                    : JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult()).RootElement.GetProperty("state").GetString();
                return states.Contains(state);
            },
            $"delivery {location} to be {string.Join(" or ", states)}");
        return state!;
    }
}
