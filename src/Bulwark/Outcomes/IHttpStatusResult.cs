namespace Bulwark.Outcomes;

/// <summary>
/// A result that carries an HTTP status, reported on its attempt (<see cref="Failover.FailoverAttempt.StatusCode"/>:
/// logs, metrics and traces) as the status of an <see cref="System.Net.Http.HttpResponseMessage"/> is. Reporting only:
/// whether a result is a failure is still decided by the predicates and the classifier, never by this status.
/// </summary>
public interface IHttpStatusResult
{
    /// <summary>Gets the HTTP status code of the result (100–599).</summary>
    int StatusCode { get; }
}
