using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bulwark.Gateway.Tests.Infrastructure;

namespace Bulwark.Gateway.Tests.Observability;

/// <summary><c>Bulwark:Admin:TokenFile</c>: the admin API's token read from a file (a mounted secret) instead of the configuration.</summary>
public sealed class AdminTokenFileTests
{
    private const string FileToken = "token-from-a-mounted-secret-0123456789";

    /// <summary>The token is the file's content, trimmed; any other is refused (without a token the admin API would be off, 404).</summary>
    [Fact]
    public async Task TokenFile_TheAdminApiTakesTheTokenInTheFile_AndRefusesAnother()
    {
        var directory = Directory.CreateTempSubdirectory("bulwark-admin-token-");
        try
        {
            string tokenFile = Path.Combine(directory.FullName, "admin-token");
            await File.WriteAllTextAsync(tokenFile, $"  {FileToken}\n");
            await using var primary = await Upstream.StartAsync();
            await using var secondary = await Upstream.StartAsync();
            await using var gateway = await GatewayUnderTest.StartAsync(Configs.TwoProviders(
                primary.BaseAddress, secondary.BaseAddress, bulwarkExtra: $$""" "Admin": { "TokenFile": {{JsonSerializer.Serialize(tokenFile)}} }, """));

            using (var anonymous = await gateway.Client.GetAsync("/admin/breakers"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            }

            using (var other = await SendAsync(gateway, "another-token-0123456789abcdef"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
            }

            using var accepted = await SendAsync(gateway, FileToken);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Task<HttpResponseMessage> SendAsync(GatewayUnderTest gateway, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/breakers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return gateway.Client.SendAsync(request);
    }
}
