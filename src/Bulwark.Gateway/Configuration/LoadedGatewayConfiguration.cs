
namespace Bulwark.Gateway.Configuration;

/// <summary>A configuration that passed validation, and the options read from it.</summary>
/// <param name="Configuration">The whole configuration (sections the options do not model, such as <c>Bulwark:Shutdown</c>, are read from it).</param>
/// <param name="Options">The validated gateway options.</param>
internal sealed record LoadedGatewayConfiguration(IConfiguration Configuration, GatewayOptions Options);
