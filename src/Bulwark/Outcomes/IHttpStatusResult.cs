namespace Bulwark.Outcomes;

/// <summary>
/// A result that carries an HTTP status, reported on its attempt (<see cref="Failover.FailoverAttempt.StatusCode"/>:
/// logs, metrics and traces) as the status of an <see cref="System.Net.Http.HttpResponseMessage"/> is. Whether a result
/// is a failure is still decided by the predicates (<c>ShouldFailover</c>, <c>ShouldHandle</c>), never by this status;
/// for a result they rejected, a transient status names the kind of failure (<see cref="AttemptOutcome.TransientStatus"/>
/// rather than <see cref="AttemptOutcome.Failed"/>).
/// </summary>
public interface IHttpStatusResult
{
    /// <summary>Gets the HTTP status code of the result (100–599).</summary>
    int StatusCode { get; }
}
