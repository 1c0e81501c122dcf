namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>The rules of one configuration section; adds a message with its configuration path for each problem found.</summary>
internal interface ISectionValidator
{
    void Validate(GatewayOptions options, List<string> errors);
}
