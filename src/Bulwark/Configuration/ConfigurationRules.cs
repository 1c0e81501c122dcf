using Microsoft.Extensions.Configuration;

namespace Bulwark.Configuration;

/// <summary>How a configuration section is checked against its options type before it is bound.</summary>
public sealed class ConfigurationRules
{
    /// <summary>Gets the rules of the in-process library: unknown keys are warnings; no other section is known.</summary>
    public static ConfigurationRules Default { get; } = new();

    /// <summary>
    /// Gets a value indicating whether a key that matches no setting is an error (a service whose section holds only
    /// Bulwark's settings, as the gateway's: no key may be accepted and then ignored) rather than a warning (a section
    /// that may sit beside the application's own settings).
    /// </summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool UnknownKeysAreErrors { get; init; }

    /// <summary>
    /// Gets the sections under the checked one that other components read with their own options types, by path relative
    /// to it (for example <c>Telemetry:Anomaly</c>): they are known, and checked against that type.
    /// </summary>
    /// <value>Defaults to none. Looked up with the dictionary's comparer: give it <see cref="StringComparer.OrdinalIgnoreCase"/>, as configuration compares keys.</value>
    public IReadOnlyDictionary<string, Type> AdditionalSections { get; init; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets how the checked section is bound to its options: for a service that binds a known options type with the
    /// configuration binding source generator (as the gateway does, to read tens of thousands of routes quickly).
    /// </summary>
    /// <value>
    /// Defaults to <see langword="null"/>: the reflection binder (<c>ConfigurationBinder.Bind</c>) binds the options'
    /// runtime type. A binder given here receives the options instance the section is read into, and must bind every
    /// setting of its runtime type.
    /// </value>
    public Action<IConfiguration, BulwarkOptions>? Bind { get; init; }
}
