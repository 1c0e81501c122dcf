namespace Bulwark.Gateway.Configuration.SectionValidators;

/// <summary>
/// <c>Bulwark:MaxReplayableBodyBytes</c> (0, off, or from <c>MaxBufferedBodyBytes</c> to 1 TiB) and <c>Bulwark:Spool</c>:
/// an existing directory, a cap in range.
/// </summary>
internal sealed class SpoolValidator : ISectionValidator
{
    public void Validate(GatewayOptions options, List<string> errors)
    {
        const string root = GatewayConstants.ConfigurationRoot;
        long replayable = options.MaxReplayableBodyBytes;
        if (replayable != 0 && (replayable < options.MaxBufferedBodyBytes || replayable > GatewayConstants.MaxMaxReplayableBodyBytes))
        {
            errors.Add($"{root}:MaxReplayableBodyBytes: {replayable} is out of range; allowed 0 (off: larger bodies stream once) or {root}:MaxBufferedBodyBytes ({options.MaxBufferedBodyBytes}) to {GatewayConstants.MaxMaxReplayableBodyBytes}.");
        }

        if (options.Spool is not { } spool)
        {
            return;
        }

        RangeRule.Check(errors, $"{root}:Spool:MaxBytes", spool.MaxBytes, 0, GatewayConstants.MaxSpoolBytes);
        if (spool.Directory is { } directory && (string.IsNullOrWhiteSpace(directory) || !System.IO.Directory.Exists(directory)))
        {
            errors.Add($"{root}:Spool:Directory: '{directory}' is not an existing directory.");
        }
    }
}
