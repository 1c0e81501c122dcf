using Bulwark.Deliveries;

namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary><c>Bulwark:Deliveries</c>: the engine's delivery rules, reported under their own paths.</summary>
internal sealed class DeliveriesValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Deliveries is { } deliveries && new DeliveryOptionsValidator().Validate(null, deliveries) is { Failed: true } failed)
        {
            errors.AddRange(failed.Failures);
        }
    }
}
