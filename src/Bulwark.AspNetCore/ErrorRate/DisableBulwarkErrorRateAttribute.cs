namespace Bulwark.AspNetCore.ErrorRate;

/// <summary>
/// Endpoint metadata that keeps an endpoint's requests out of the error rate. Bulwark's health and admin endpoints carry
/// it, so a 503 from <c>/health/ready</c> while draining is not counted as an error.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class DisableBulwarkErrorRateAttribute : Attribute
{
}
