namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary><c>Bulwark:Reload</c>: the poll interval is off (zero) or in range.</summary>
internal sealed class ReloadValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        if (options.Reload is not { } reload)
        {
            return;
        }

        var poll = reload.PollInterval;
        if (poll != TimeSpan.Zero && (poll < GatewayConstants.MinReloadPollInterval || poll > GatewayConstants.MaxReloadPollInterval))
        {
            errors.Add($"{GatewayConstants.ConfigurationRoot}:Reload:PollInterval: {poll:c} is out of range; allowed 00:00:00 (off) or {GatewayConstants.MinReloadPollInterval:c} to {GatewayConstants.MaxReloadPollInterval:c}.");
        }
    }
}
