namespace Bulwark.Storage;

/// <summary>Why a store could not do what was asked: lets a caller word its answer (and an operator's next step) without parsing messages.</summary>
public enum StoreUnavailableReason
{
    /// <summary>Another reason, or one the store did not classify.</summary>
    Unspecified = 0,

    /// <summary>Locked by another connection or process beyond the busy timeout.</summary>
    Busy = 1,

    /// <summary>The disk or the store's size limit is full.</summary>
    Full = 2,

    /// <summary>The file or its directory is read-only, or permission was denied.</summary>
    ReadOnly = 3,

    /// <summary>The file cannot be opened or created.</summary>
    CannotOpen = 4,

    /// <summary>The file failed an integrity check or is not a database: nothing more is written to it until it is salvaged.</summary>
    Corrupt = 5,

    /// <summary>The file was deleted or replaced while the store had it open: nothing more is written to it.</summary>
    FileLost = 6,
}
