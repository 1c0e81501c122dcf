namespace Bulwark.ErrorMonitoring;

/// <summary>How serious an error is; a fingerprint keeps the highest severity it was recorded with.</summary>
public enum ErrorSeverity
{
    /// <summary>Worth knowing, nothing failed for a user (a retry that succeeded, say).</summary>
    Info = 0,

    /// <summary>Something failed and was absorbed, or may fail soon.</summary>
    Warning = 1,

    /// <summary>A request or operation failed. The default.</summary>
    Error = 2,

    /// <summary>A failure that needs someone now (data loss, every provider down).</summary>
    Critical = 3,
}
