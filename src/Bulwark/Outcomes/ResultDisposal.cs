using Polly;

namespace Bulwark.Outcomes;

/// <summary>Disposes a result that is being discarded (a failed response before a retry, failover or fallback).</summary>
internal static class ResultDisposal
{
    /// <summary>Disposes <paramref name="outcome"/>'s result if it is disposable; an exception outcome holds nothing to dispose.</summary>
    public static async ValueTask DisposeResultAsync<TResult>(Outcome<TResult> outcome, bool continueOnCapturedContext = false)
    {
        switch (outcome.Result)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(continueOnCapturedContext);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }
}
