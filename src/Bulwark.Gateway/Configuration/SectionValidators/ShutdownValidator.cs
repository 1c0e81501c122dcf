namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary><c>Bulwark:Shutdown</c>: drain delay and drain timeout in range.</summary>
internal sealed class ShutdownValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Shutdown is not { } shutdown)
        {
            return;
        }

        const string path = $"{GatewayConstants.ConfigurationRoot}:Shutdown";
        if (shutdown.DrainDelay < TimeSpan.Zero || shutdown.DrainDelay > GatewayConstants.MaxDrainDelay)
        {
            errors.Add($"{path}:DrainDelay: {shutdown.DrainDelay:c} is out of range; allowed 00:00:00 to {GatewayConstants.MaxDrainDelay:c}.");
        }

        if (shutdown.DrainTimeout < GatewayConstants.MinDrainTimeout || shutdown.DrainTimeout > GatewayConstants.MaxDrainTimeout)
        {
            errors.Add($"{path}:DrainTimeout: {shutdown.DrainTimeout:c} is out of range; allowed {GatewayConstants.MinDrainTimeout:c} to {GatewayConstants.MaxDrainTimeout:c}.");
        }
    }
}
