using System.Globalization;

namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>
/// A provider's <c>Header</c> auth: a header a provider may be sent and its <c>Headers</c> do not set too, a format with
/// the placeholder, and a secret that is set and that a header can carry (never printed).
/// </summary>
internal sealed class ProviderAuthHeaderValidator(Func<string, string?> environment) : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        if (provider.Auth is not { Type: ProviderAuthType.Header } auth)
        {
            return;
        }

        string authPath = path + ":Auth";
        string name = auth.HeaderName ?? ProviderAuthConstants.DefaultHeaderName;
        if (ProviderHeaderNames.Refusal(name, "an auth header") is { } refusal)
        {
            errors.Add($"{authPath}:HeaderName: {refusal}");
        }
        else if (provider.Headers.ContainsKey(name))
        {
            errors.Add($"{authPath}:HeaderName: the provider's Headers set {name} too; set it in one place.");
        }

        string format = auth.Format ?? ProviderAuthConstants.DefaultHeaderFormat;
        string? value = ProviderAuthRules.Secret(new("Value", auth.Value, auth.ValueFromEnvironment, auth.ValueFromFile), authPath, environment, errors);
        if (!format.Contains("{0}", StringComparison.Ordinal))
        {
            errors.Add($"{authPath}:Format: '{format}' must contain the placeholder {{0}}.");
            return;
        }

        try
        {
            string header = string.Format(CultureInfo.InvariantCulture, format, value ?? "x");
            if (value is not null && !ProviderAuthRules.IsHeaderValue(header))
            {
                errors.Add($"{authPath}: the header's value (its secret in its Format) contains control or non-ASCII characters, which a header cannot carry.");
            }
        }
        catch (FormatException)
        {
            errors.Add($"{authPath}:Format: '{format}' is not a valid format; use {{0}} for the secret, and {{{{ }}}} for literal braces.");
        }
    }
}
