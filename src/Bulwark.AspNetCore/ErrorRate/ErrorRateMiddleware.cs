using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.ErrorRate;

internal sealed class ErrorRateMiddleware(RequestDelegate next, BulwarkErrorRateTracker tracker, IOptions<BulwarkErrorRateOptions> options)
{
    private readonly Func<int, bool> _isError = options.Value.IsError;

    public Task InvokeAsync(HttpContext context)
    {
        if (!Counts(context))
        {
            return next(context);
        }

        Task task;
        try
        {
            task = next(context);
        }
        catch (Exception) when (RecordThrown(context))
        {
            throw;
        }

        if (task.IsCompletedSuccessfully)
        {
            tracker.Record(_isError(context.Response.StatusCode));
            return Task.CompletedTask;
        }

        return AwaitAsync(task, context);
    }

    private async Task AwaitAsync(Task task, HttpContext context)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception) when (RecordThrown(context))
        {
            throw;
        }

        tracker.Record(_isError(context.Response.StatusCode));
    }

    /// <summary>Whether the request is counted: not when its endpoint carries <see cref="DisableBulwarkErrorRateAttribute"/>.</summary>
    internal static bool Counts(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<DisableBulwarkErrorRateAttribute>() is null;

    /// <summary>Counts a counted request that has ended: an error by its status, or by <paramref name="escaped"/> unless the client left.</summary>
    internal void End(HttpContext context, Exception? escaped)
    {
        if (escaped is null)
        {
            tracker.Record(_isError(context.Response.StatusCode));
        }
        else
        {
            RecordThrown(context);
        }
    }

    // Counts an exception that left the pipeline as an error unless the client left; returns false, so that as an exception
    // filter it never catches: the exception flows on untouched.
    private bool RecordThrown(HttpContext context)
    {
        if (!context.RequestAborted.IsCancellationRequested)
        {
            tracker.Record(isError: true);
        }

        return false;
    }
}
