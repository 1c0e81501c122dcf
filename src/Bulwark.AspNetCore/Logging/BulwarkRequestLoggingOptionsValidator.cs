using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Logging;

/// <summary>Reports every invalid request-logging option at once, at start-up.</summary>
internal sealed class BulwarkRequestLoggingOptionsValidator : IValidateOptions<BulwarkRequestLoggingOptions>
{
    public ValidateOptionsResult Validate(string? name, BulwarkRequestLoggingOptions options)
    {
        var errors = new List<string>();
        if (options.SlowRequestThreshold <= TimeSpan.Zero)
        {
            errors.Add($"SlowRequestThreshold must be greater than zero; it is {options.SlowRequestThreshold}.");
        }

        foreach (var proxy in options.TrustedProxies)
        {
            if (!ClientIpResolver.TryParseNetwork(proxy, out _))
            {
                errors.Add($"TrustedProxies: '{proxy}' is neither an IP address nor a CIDR range.");
            }
        }

        if (options.TenantIdHeader is { } tenant && string.IsNullOrWhiteSpace(tenant))
        {
            errors.Add("TenantIdHeader must be null or a header name.");
        }

        if (options.UserIdHeader is { } user && string.IsNullOrWhiteSpace(user))
        {
            errors.Add("UserIdHeader must be null or a header name.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
