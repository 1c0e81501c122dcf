namespace Bulwark.Storage.Sqlite;

/// <summary>What a <c>stat</c> of a path said.</summary>
internal enum PathState
{
    /// <summary>A file is there.</summary>
    Present,

    /// <summary>Nothing is there (ENOENT).</summary>
    Absent,

    /// <summary>The check failed (permission, stale handle, I/O): no conclusion.</summary>
    Unknown,
}
