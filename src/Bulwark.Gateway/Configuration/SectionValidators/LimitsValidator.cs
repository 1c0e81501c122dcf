namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary><c>Bulwark:Limits</c>: request size, header and per-client limits in range.</summary>
internal sealed class LimitsValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Limits is not { } limits)
        {
            return;
        }

        const string path = $"{GatewayConstants.ConfigurationRoot}:Limits";
        RangeRule.Check(errors, $"{path}:MaxRequestBodyBytes", limits.MaxRequestBodyBytes, 1, LimitsConstants.MaxMaxRequestBodyBytes);
        RangeRule.Check(errors, $"{path}:MaxRequestHeadersTotalSize", limits.MaxRequestHeadersTotalSize, LimitsConstants.MinMaxRequestHeadersTotalSize, LimitsConstants.MaxMaxRequestHeadersTotalSize);
        RangeRule.Check(errors, $"{path}:MaxRequestHeaderCount", limits.MaxRequestHeaderCount, 1, LimitsConstants.MaxMaxRequestHeaderCount);
        RangeRule.Check(errors, $"{path}:ConcurrencyPerClient", limits.ConcurrencyPerClient, 0, LimitsConstants.MaxConcurrencyPerClient);
        RangeRule.Check(errors, $"{path}:RequestsPerMinutePerClient", limits.RequestsPerMinutePerClient, 0, LimitsConstants.MaxRequestsPerMinutePerClient);
    }
}
