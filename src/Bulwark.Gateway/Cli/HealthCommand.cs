using System.CommandLine;
using System.Globalization;

namespace Bulwark.Gateway.Cli;

/// <summary>
/// <c>bulwark health</c>: asks a running gateway's <c>/health/live</c> and exits 0 when it answers 200, 1 otherwise. The
/// container's health check: its image has no curl or wget.
/// </summary>
internal static class HealthCommand
{
    public const int Unhealthy = 1;

    public const string DefaultUrl = "http://127.0.0.1:8080/health/live";

    public static Command Create()
    {
        var url = new Option<string>("--url")
        {
            Description = $"The endpoint to ask. Default: {DefaultUrl}.",
            DefaultValueFactory = _ => DefaultUrl,
        };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "How long to wait for the answer. Default: 00:00:05.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
        };
        var health = new Command("health", "Ask a running gateway whether it is alive (/health/live): exit 0 on 200, else 1. For container health checks.") { url, timeout };
        health.SetAction((parse, cancellation) => RunAsync(parse.GetValue(url)!, parse.GetValue(timeout), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellation));
        return health;
    }

    public static async Task<int> RunAsync(string text, TimeSpan timeout, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            await error.WriteLineAsync($"bulwark: --url must be an absolute http or https URL; got '{text}'.").ConfigureAwait(false);
            return GatewayCli.ConfigurationError;
        }

        if (timeout <= TimeSpan.Zero)
        {
            await error.WriteLineAsync("bulwark: --timeout must be longer than zero.").ConfigureAwait(false);
            return GatewayCli.ConfigurationError;
        }

        using var client = new HttpClient { Timeout = timeout };
        try
        {
            using var response = await client.GetAsync(url, cancellation).ConfigureAwait(false);
            int status = (int)response.StatusCode;
            if (status == 200)
            {
                await output.WriteLineAsync($"bulwark: {url} answered 200.").ConfigureAwait(false);
                return 0;
            }

            await error.WriteLineAsync($"bulwark: {url} answered {status.ToString(CultureInfo.InvariantCulture)}.").ConfigureAwait(false);
            return Unhealthy;
        }
        catch (HttpRequestException e)
        {
            await error.WriteLineAsync($"bulwark: {url} did not answer: {e.Message}").ConfigureAwait(false);
            return Unhealthy;
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            await error.WriteLineAsync($"bulwark: {url} did not answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.").ConfigureAwait(false);
            return Unhealthy;
        }
    }
}
