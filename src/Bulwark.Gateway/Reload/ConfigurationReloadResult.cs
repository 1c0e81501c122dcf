namespace Bulwark.Gateway.Reload;

/// <summary>One reload: when, what became of it, and why.</summary>
/// <param name="At">When the changed file was read.</param>
/// <param name="Outcome">Applied or rejected.</param>
/// <param name="Generation">The configuration generation in force afterwards (unchanged by a rejection).</param>
/// <param name="Errors">Every validation error, each with its configuration path; empty when applied.</param>
/// <param name="RestartRequired">The changed settings a reload does not apply (names only), in force after a restart.</param>
internal sealed record ConfigurationReloadResult(
    DateTimeOffset At,
    ConfigurationReloadOutcome Outcome,
    int Generation,
    IReadOnlyList<string> Errors,
    IReadOnlyList<string> RestartRequired);
