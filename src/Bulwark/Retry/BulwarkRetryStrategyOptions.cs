namespace Bulwark.Retry;

/// <summary>
/// Configures the Bulwark retry strategy of a non-generic pipeline.
/// </summary>
public class BulwarkRetryStrategyOptions : BulwarkRetryStrategyOptions<object>
{
}
