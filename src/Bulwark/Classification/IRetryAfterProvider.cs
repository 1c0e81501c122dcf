namespace Bulwark.Classification;

/// <summary>
/// Implemented by rejections (usually exceptions) that know when the caller may try again,
/// so retry strategies can wait exactly that long instead of their own backoff.
/// </summary>
public interface IRetryAfterProvider
{
    /// <summary>
    /// Gets how long to wait before trying again, or <see langword="null"/> when unknown.
    /// </summary>
    TimeSpan? RetryAfter { get; }
}
