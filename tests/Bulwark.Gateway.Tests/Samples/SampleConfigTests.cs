using Bulwark.Gateway.Hosting;
using Bulwark.Gateway.Routing;
using Bulwark.Gateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bulwark.Gateway.Tests.Samples;

/// <summary>Every sample's bulwark.json must still build a valid gateway, so that the samples cannot rot.</summary>
public class SampleConfigTests
{
    private static readonly Dictionary<string, string> FakeEnvironment = new(StringComparer.Ordinal)
    {
        ["OPENAI_API_KEY"] = "sk-test-openai",
        ["GROQ_API_KEY"] = "gsk-test-groq",
        ["STORE_A_TOKEN"] = "token-a",
        ["STORE_B_TOKEN"] = "token-b",
    };

    [Fact]
    public async Task AiProviders_Builds_WithPrimaryThenSecondaryOnV1()
    {
        var app = Build("ai-providers", FakeEnvironment);
        await using (app)
        {
            var table = app.Services.GetRequiredService<GatewayRouteTable>();

            var route = Assert.Single(table.Routes);
            Assert.Equal("/v1/{**rest}", route.Path);
            Assert.Equal(["primary", "secondary"], route.Providers.Select(p => p.Name));
            Assert.Equal("https://api.openai.com", table.Providers["primary"].BaseUrl);
            Assert.Equal("https://api.groq.com/openai", table.Providers["secondary"].BaseUrl);
            Assert.Contains(new KeyValuePair<string, string>("Authorization", "Bearer sk-test-openai"), table.Providers["primary"].Headers);
            Assert.Contains(new KeyValuePair<string, string>("Authorization", "Bearer gsk-test-groq"), table.Providers["secondary"].Headers);

            // An OpenAI route: the SDK's chat completions (no Idempotency-Key) are retried and failed over.
            Assert.Equal(Bulwark.Gateway.Configuration.RouteApi.OpenAI, route.Api);
            Assert.True(ReplayableEndpoints.Matches("/v1/chat/completions", route.ReplayableEndpoints));
        }
    }

    [Fact]
    public void AiProviders_KeyMissingFromEnvironment_FailsNamingTheVariable()
    {
        var environment = new Dictionary<string, string>(FakeEnvironment);
        environment.Remove("GROQ_API_KEY");

        var error = Assert.Throws<OptionsValidationException>(() => Build("ai-providers", environment));

        Assert.Contains("Bulwark:Providers:secondary:Headers:Authorization:FromEnvironment: the environment variable GROQ_API_KEY is not set.", error.Failures);
    }

    [Fact]
    public async Task Uploads_Builds_WithABreakerPerStorageProvider_SpooledBodiesUpTo1GiB_AndMultipartAborts()
    {
        var app = Build("uploads", FakeEnvironment);
        await using (app)
        {
            var table = app.Services.GetRequiredService<GatewayRouteTable>();

            Assert.Equal(1024 * 1024, table.MaxBufferedBodyBytes);
            Assert.All(table.Routes, r => Assert.Equal(1L << 30, r.MaxReplayableBodyBytes));
            Assert.Equal(2, table.Routes.Count);
            Assert.All(table.Routes, r => Assert.Equal("/uploads/{**key}", r.Path));
            Assert.Equal(["PUT", "POST"], table.Routes[0].Methods);
            Assert.True(table.Routes[0].AbortsMultipart);
            Assert.False(table.Routes[1].AbortsMultipart);
            Assert.All(table.Routes, r => Assert.Equal(["store-a", "store-b"], r.Providers.Select(p => p.Name)));

            // One pipeline in the file, one instance (and so one breaker) per provider.
            var a = table.Providers["store-a"].Pipeline;
            var b = table.Providers["store-b"].Pipeline;
            Assert.Equal("storage", a.Name);
            Assert.Equal("storage", b.Name);
            Assert.NotNull(a.CircuitBreaker);
            Assert.NotNull(b.CircuitBreaker);
            Assert.NotSame(a.CircuitBreaker, b.CircuitBreaker);
        }
    }

    private static WebApplication Build(string sample, IReadOnlyDictionary<string, string> environment) =>
        GatewayHost.Build(new GatewayHostSettings(Path.Combine(RepositoryRoot(), "samples", sample, "bulwark.json"), null, ["http://127.0.0.1:0"])
        {
            Environment = name => environment.TryGetValue(name, out var value) ? value : null,
            EnvironmentOverrides = false,
            MinimumLogLevel = LogLevel.Warning,
            StorePath = TestStore.NewPath(),
        });

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Bulwark.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains Bulwark.sln.");
    }
}
