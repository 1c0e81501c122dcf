namespace Bulwark.Configuration;

/// <summary>How a configuration section is checked against its options type before binding.</summary>
/// <param name="UnknownKeysAreErrors">
/// Whether a key that matches no setting is an error (the gateway: no key may be accepted and then ignored) rather than
/// a warning (the in-process library, whose section may be shared with the application's own settings).
/// </param>
/// <param name="AdditionalSections">
/// Sections under the checked one that other components read with their own options types, by path relative to it
/// (for example <c>Telemetry:Anomaly</c>): known, and checked against that type.
/// </param>
internal sealed record ConfigurationRules(bool UnknownKeysAreErrors, IReadOnlyDictionary<string, Type> AdditionalSections)
{
    /// <summary>Unknown keys are warnings; no other section is known.</summary>
    public static ConfigurationRules Default { get; } = new(false, new Dictionary<string, Type>());
}
