using System.Net.Http.Headers;
using System.Text.Json;

namespace Bulwark.Gateway.Tests.Infrastructure;

/// <summary>Reads a gateway problem+json answer, asserting its media type first.</summary>
internal static class Problem
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        Assert.Equal(new MediaTypeHeaderValue("application/problem+json"), response.Content.Headers.ContentType);
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
