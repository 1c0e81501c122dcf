namespace Bulwark.Gateway.Deferral;

/// <summary>What the deferral stage decided for a request before any provider saw it.</summary>
/// <param name="Answered">The request was answered here (refused, or a repeat of one already accepted): nothing more is done.</param>
/// <param name="Key">The key the request is deferred under if every provider fails, or <see langword="null"/> when it cannot be.</param>
/// <param name="Fingerprint">The digest of the method, target and body stored with the key.</param>
internal readonly record struct DeferralAdmission(bool Answered, string? Key, string Fingerprint)
{
    /// <summary>Gets the admission of a request on a route that does not defer.</summary>
    public static DeferralAdmission None => new(false, null, string.Empty);

    /// <summary>Gets the admission of a request answered by the deferral stage itself.</summary>
    public static DeferralAdmission AnsweredHere => new(true, null, string.Empty);
}
