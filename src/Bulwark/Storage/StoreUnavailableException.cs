namespace Bulwark.Storage;

/// <summary>
/// The store could not do what was asked: its file is corrupt, full, read-only, or locked beyond its busy timeout. Nothing
/// was changed; a caller that was about to acknowledge a write must refuse it instead.
/// </summary>
public sealed class StoreUnavailableException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class.</summary>
    public StoreUnavailableException()
        : this("The Bulwark store is unavailable.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    public StoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class.</summary>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="innerException">The store's own error.</param>
    public StoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StoreUnavailableException"/> class.</summary>
    /// <param name="reason">Why the store is unavailable.</param>
    /// <param name="message">What failed and what to do about it.</param>
    /// <param name="innerException">The store's own error, or <see langword="null"/>.</param>
    public StoreUnavailableException(StoreUnavailableReason reason, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Reason = reason;
    }

    /// <summary>Gets why the store is unavailable.</summary>
    /// <value><see cref="StoreUnavailableReason.Unspecified"/> unless the store classified it.</value>
    public StoreUnavailableReason Reason { get; }
}
