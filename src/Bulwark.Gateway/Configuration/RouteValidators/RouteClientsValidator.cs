namespace Bulwark.Gateway.Configuration.RouteValidators;

/// <summary>A route's <c>Clients</c>: keys need the SQLite or PostgreSQL store (where they are kept); a trusted header needs its name.</summary>
internal sealed class RouteClientsValidator : IRouteValidator
{
    public void Validate(GatewayRouteOptions route, int index, string path, GatewayOptions options, List<string> errors)
    {
        switch (route.Clients)
        {
            case RouteClients.Anonymous:
                break;
            case RouteClients.Keys when options.Storage.Provider == GatewayStoreProvider.InMemory:
                errors.Add($"{path}:Clients: Keys needs the SQLite or PostgreSQL store, where issued keys are kept; {GatewayConstants.ConfigurationRoot}:Storage:Provider is {options.Storage.Provider}.");
                break;
            case RouteClients.Keys:
                break;
            case RouteClients.TrustedHeader when string.IsNullOrWhiteSpace(options.Clients?.UserHeader):
                errors.Add($"{path}:Clients: TrustedHeader needs {GatewayConstants.ConfigurationRoot}:Clients:UserHeader, the header that names the user.");
                break;
            case RouteClients.TrustedHeader:
                break;
            default:
                errors.Add($"{path}:Clients: {route.Clients} is not one of Anonymous, Keys, TrustedHeader.");
                break;
        }
    }
}
