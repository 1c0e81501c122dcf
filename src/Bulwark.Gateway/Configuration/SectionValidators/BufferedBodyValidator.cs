namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary><c>Bulwark:MaxBufferedBodyBytes</c>: from 0 to Kestrel's default request body limit.</summary>
internal sealed class BufferedBodyValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.MaxBufferedBodyBytes is < 0 or > GatewayConstants.MaxMaxBufferedBodyBytes)
        {
            errors.Add($"{GatewayConstants.ConfigurationRoot}:MaxBufferedBodyBytes: {options.MaxBufferedBodyBytes} is out of range; allowed 0 to {GatewayConstants.MaxMaxBufferedBodyBytes}.");
        }
    }
}
