using System.Diagnostics;
using System.Globalization;
using Bulwark.Gateway.Configuration;

namespace Bulwark.Gateway.Demo;

/// <summary>
/// Sends a bounded workload — <see cref="DemoSettings.Requests"/> GET requests, <see cref="DemoSettings.Concurrency"/> at
/// a time, stopped after <see cref="DemoSettings.RunTimeout"/> — to one base address, once each, with no retry of its own.
/// </summary>
internal static class DemoWorkload
{
    public static async Task<WorkloadRun> RunAsync(HttpClient client, string target, Uri baseAddress, DemoSettings settings, WorkloadProgress progress, CancellationToken cancellationToken)
    {
        var records = new RequestRecord[settings.Requests];
        int next = -1;
        progress.Begin(settings.Requests);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.RunTimeout);
        long started = Stopwatch.GetTimestamp();

        async Task WorkerAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < records.Length)
            {
                progress.Sent();
                records[i] = await SendAsync(client, new Uri(baseAddress, string.Create(CultureInfo.InvariantCulture, $"/api/items/{i}")), deadline.Token).ConfigureAwait(false);
            }
        }

        var workers = new Task[Math.Clamp(settings.Concurrency, 1, settings.Requests)];
        for (int w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(WorkerAsync, CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new WorkloadRun(target, records, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<RequestRecord> SendAsync(HttpClient client, Uri uri, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var headers = response.Headers;
            int attempts = headers.TryGetValues(GatewayConstants.AttemptsHeader, out var a) && int.TryParse(a.FirstOrDefault(), CultureInfo.InvariantCulture, out int n) ? n : 1;
            string? provider = headers.TryGetValues(GatewayConstants.ProviderHeader, out var p) ? p.FirstOrDefault() : null;
            return new RequestRecord((int)response.StatusCode, Stopwatch.GetElapsedTime(started), attempts, provider);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            // No response: the connection was reset or refused, or the run's time is up.
            return new RequestRecord(0, Stopwatch.GetElapsedTime(started), 1, null);
        }
    }
}
