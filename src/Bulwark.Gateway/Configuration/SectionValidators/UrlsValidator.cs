namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary><c>Bulwark:Urls</c>: each address is one Kestrel can listen on (http or https, a host, a port).</summary>
internal sealed class UrlsValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Urls is null)
        {
            return;
        }

        var addresses = ListenAddress.Split(options.Urls);
        if (addresses.Count == 0)
        {
            errors.Add($"{GatewayConstants.ConfigurationRoot}:Urls: no address is given; leave the key out for the default (http://127.0.0.1:8080).");
        }

        foreach (var address in addresses)
        {
            if (ListenAddress.Check(address) is { } problem)
            {
                errors.Add($"{GatewayConstants.ConfigurationRoot}:Urls: '{address}' {problem}");
            }
        }
    }
}
