namespace Bulwark.Classification;

/// <summary>
/// Configures a <see cref="TransientClassifier"/>: which HTTP status codes and which extra exceptions are transient.
/// </summary>
/// <remarks>
/// The built-in exception rules of <see cref="TransientClassifier.IsTransientException"/> always apply;
/// <see cref="TransientExceptionTypes"/> and <see cref="IsTransientException"/> only add to them.
/// </remarks>
public sealed class TransientClassifierOptions
{
    /// <summary>
    /// Gets or sets the HTTP status codes that are transient.
    /// </summary>
    /// <remarks>
    /// Configuration binding adds to the existing set; clear it first to replace the defaults.
    /// </remarks>
    /// <value>
    /// The default is 408, 429, 500, 502, 503, 504 and 529 (<see cref="TransientClassifierConstants.DefaultTransientStatusCodes"/>).
    /// Valid codes are 100 to 999.
    /// </value>
    public ISet<int> TransientStatusCodes { get; set; } = new HashSet<int>(TransientClassifierConstants.DefaultTransientStatusCodes);

    /// <summary>
    /// Gets or sets extra exception types that are transient, derived types included.
    /// </summary>
    /// <value>The default is an empty list.</value>
    public IList<Type> TransientExceptionTypes { get; set; } = [];

    /// <summary>
    /// Gets or sets an extra predicate: an exception for which it returns <see langword="true"/> is transient.
    /// </summary>
    /// <remarks>
    /// It is not consulted for an <see cref="OperationCanceledException"/> when the caller's token is cancelled:
    /// that is never a failure.
    /// </remarks>
    /// <value>The default is <see langword="null"/>.</value>
    public Func<Exception, bool>? IsTransientException { get; set; }
}
