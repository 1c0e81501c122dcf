using System.Net;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.ProviderAuth;

/// <summary><c>Header</c>: the typed form of one secret header, beside the provider's static <c>Headers</c>.</summary>
public class HeaderAuthTests
{
    [Fact]
    public async Task HeaderFromFile_ReplacesTheClientsOwn_AndStaticHeadersStillGo()
    {
        await using var provider = await Upstream.StartAsync();
        string file = Path.Combine(Path.GetTempPath(), "bulwark-key-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, "key-from-file\r\n");
        try
        {
            string json = $$"""
                {
                  "Bulwark": {
                    "Pipelines": { "default": {{Configs.FastPipeline}} },
                    "Providers": {
                      "speech": {
                        "BaseUrl": "{{provider.BaseAddress.ToString().TrimEnd('/')}}",
                        "Headers": { "X-Api-Version": { "Value": "2024-06-01" } },
                        "Auth": { "Type": "Header", "HeaderName": "xi-api-key", "Format": "{0}", "ValueFromFile": {{JsonSerializer.Serialize(file)}} }
                      },
                      "transcripts": {
                        "BaseUrl": "{{provider.BaseAddress.ToString().TrimEnd('/')}}",
                        "Auth": { "Type": "Header", "ValueFromEnvironment": "ASSEMBLYAI_KEY" }
                      }
                    },
                    "Routes": [
                      { "Path": "/speech/{**rest}", "Providers": [ "speech" ] },
                      { "Path": "/transcripts/{**rest}", "Providers": [ "transcripts" ] }
                    ]
                  }
                }
                """;
            await using var gateway = await GatewayUnderTest.StartAsync(json, new Dictionary<string, string> { ["ASSEMBLYAI_KEY"] = "aai-key" });

            using var request = new HttpRequestMessage(HttpMethod.Get, "/speech/v1/voices");
            request.Headers.Add("xi-api-key", "client-key");
            using var speech = await gateway.Client.SendAsync(request);
            using var transcripts = await gateway.Client.GetAsync("/transcripts/v2/transcript");

            Assert.Equal(HttpStatusCode.OK, speech.StatusCode);
            Assert.Equal(HttpStatusCode.OK, transcripts.StatusCode);
            var received = provider.Snapshot();
            Assert.Equal("key-from-file", received[0].Headers["xi-api-key"]);
            Assert.Equal("2024-06-01", received[0].Headers["X-Api-Version"]);
            Assert.Equal("Bearer aai-key", received[1].Headers["Authorization"]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
