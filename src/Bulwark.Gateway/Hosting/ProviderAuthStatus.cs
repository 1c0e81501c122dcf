using System.Text.Json.Nodes;
using Bulwark.AspNetCore.Admin;
using Bulwark.Gateway.Routing;

namespace Bulwark.Gateway.Hosting;

/// <summary>
/// Each provider's auth in <c>GET /admin/system/status</c> as <c>provider_auth</c>: its type and, for token types, until
/// when the token in hand is valid, the last fetch and the last failure (its reason, never a secret).
/// </summary>
internal sealed class ProviderAuthStatus(LiveGatewayConfiguration live) : IBulwarkStatusContributor
{
    public string Section => "provider_auth";

    public JsonNode? GetStatus()
    {
        var providers = new JsonObject();
        foreach (var (name, provider) in live.Table.Providers)
        {
            if (provider.Auth is { } auth)
            {
                providers[name] = auth.State.ToJson();
            }
        }

        return providers;
    }
}
