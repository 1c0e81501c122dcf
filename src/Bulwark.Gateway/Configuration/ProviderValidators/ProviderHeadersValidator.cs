namespace Bulwark.Gateway.Configuration.ProviderValidators;

/// <summary>
/// A provider's <c>Headers</c>: a name a provider header may carry, exactly one source (an environment variable that is
/// set, or a value), a format with the placeholder, and a resulting value a header can carry (never printed).
/// </summary>
internal sealed class ProviderHeadersValidator(Func<string, string?> environment) : IProviderValidator
{
    public void Validate(GatewayProviderOptions provider, string path, GatewayOptions options, List<string> errors)
    {
        foreach (var (headerName, header) in provider.Headers)
        {
            string headerPath = $"{path}:Headers:{headerName}";
            if (header is null)
            {
                continue;
            }

            if (ProviderHeaderNames.Refusal(headerName) is { } refusal)
            {
                errors.Add($"{headerPath}: {refusal}");
                if (headerName.Length == 0)
                {
                    continue;
                }
            }

            if ((header.FromEnvironment is null) == (header.Value is null))
            {
                errors.Add($"{headerPath}: set exactly one of FromEnvironment (for secrets) and Value.");
            }
            else if (header.FromEnvironment is { } variable && string.IsNullOrEmpty(environment(variable)))
            {
                errors.Add($"{headerPath}:FromEnvironment: the environment variable {variable} is not set.");
            }
            else if (header.Format is null || !header.Format.Contains("{0}", StringComparison.Ordinal))
            {
                errors.Add($"{headerPath}:Format: '{header.Format}' must contain the placeholder {{0}}.");
            }
            else
            {
                ValidateValue(header, headerPath, errors);
            }
        }
    }

    private void ValidateValue(GatewayHeaderOptions header, string headerPath, List<string> errors)
    {
        string? raw = header.FromEnvironment is { } source ? environment(source) : header.Value;
        string? value = null;
        try
        {
            value = string.Format(System.Globalization.CultureInfo.InvariantCulture, header.Format, raw);
        }
        catch (FormatException)
        {
            errors.Add($"{headerPath}:Format: '{header.Format}' is not a valid format; use {{0}} for the value, and {{{{ }}}} for literal braces.");
        }

        // Never print the value: it may be a secret.
        if (value is not null && value.Any(c => c < ' ' || c == 127 || c > 126))
        {
            string origin = header.FromEnvironment is { } name ? $"the environment variable {name}" : "Value";
            errors.Add($"{headerPath}: the value from {origin} contains control or non-ASCII characters, which a header cannot carry.");
        }
    }
}
