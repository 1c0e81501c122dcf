using System.Net;
using System.Text.Json;
using Bulwark.AspNetCore.Health;
using Bulwark.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bulwark.AspNetCore.Tests.Health;

public class HealthSectionTests
{
    private sealed class Section(string name, int value) : IBulwarkHealthSection
    {
        public string Name => name;

        public void Write(Utf8JsonWriter writer)
        {
            writer.WriteStartObject();
            writer.WriteNumber("value", value);
            writer.WriteEndObject();
        }
    }

    [Fact]
    public async Task Aggregate_WithRegisteredSections_WritesEachAfterBulwarksOwn_WithoutChangingTheStatus()
    {
        await using var app = await TestApp.StartAsync(services: static services =>
        {
            services.AddSingleton<IBulwarkHealthSection>(new Section("alerts", 3));
            services.AddSingleton<IBulwarkHealthSection>(new Section("other", 7));
        });

        var (response, json) = await app.GetJsonAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", json.GetProperty("status").GetString());
        var names = json.EnumerateObject().Select(static p => p.Name).ToList();
        Assert.Equal(["alerts", "other"], names[^2..]);
        Assert.Equal(3, json.GetProperty("alerts").GetProperty("value").GetInt32());
        Assert.Equal(7, json.GetProperty("other").GetProperty("value").GetInt32());
    }
}
