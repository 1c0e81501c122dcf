namespace Bulwark.Gateway.Reload;

/// <summary>What became of a changed configuration file.</summary>
internal enum ConfigurationReloadOutcome
{
    /// <summary>Valid: it is in force.</summary>
    Applied,

    /// <summary>Unreadable or invalid: the last good configuration keeps serving.</summary>
    Rejected,
}
