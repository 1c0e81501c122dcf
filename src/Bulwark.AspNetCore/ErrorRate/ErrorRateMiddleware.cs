using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.ErrorRate;

internal sealed class ErrorRateMiddleware(RequestDelegate next, BulwarkErrorRateTracker tracker, IOptions<BulwarkErrorRateOptions> options)
{
    private readonly Func<int, bool> _isError = options.Value.IsError;

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<DisableBulwarkErrorRateAttribute>() is not null)
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

    // An exception filter that never catches: the exception flows on untouched, counted as an error unless the client left.
    private bool RecordThrown(HttpContext context)
    {
        if (!context.RequestAborted.IsCancellationRequested)
        {
            tracker.Record(isError: true);
        }

        return false;
    }
}
