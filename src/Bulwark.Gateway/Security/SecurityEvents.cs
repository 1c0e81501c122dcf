using Bulwark.Gateway.Dashboard;
using Microsoft.AspNetCore.Http.Features;

namespace Bulwark.Gateway.Security;

/// <summary>
/// Counts refused and suspicious requests by kind over the last 5 minutes (60 buckets of 5 seconds per kind), watching every
/// request's answer from outside the rest of the pipeline: a few comparisons per request, a short lock per event counted.
/// Nothing about the client (address, key) is kept.
/// </summary>
internal sealed class SecurityEvents(TimeProvider timeProvider)
{
    private const string AdminPrefix = "/admin";
    private const string CatchAllPattern = "{*path}";

    private readonly Ring[] _rings = [new(), new(), new(), new()];

    /// <summary>Runs the rest of the pipeline, then counts the request if its answer or its target says so.</summary>
    public Task ObserveAsync(HttpContext context, RequestDelegate next)
    {
        var rest = next(context);
        if (!rest.IsCompletedSuccessfully)
        {
            return ObserveLaterAsync(rest, context);
        }

        Observe(context);
        return Task.CompletedTask;
    }

    private async Task ObserveLaterAsync(Task rest, HttpContext context)
    {
        await rest.ConfigureAwait(false);
        Observe(context);
    }

    private void Observe(HttpContext context)
    {
        if (Classify(context) is { } kind)
        {
            Record(kind);
        }
    }

    /// <summary>Counts one event of <paramref name="kind"/> now.</summary>
    public void Record(SecurityEventKind kind) => _rings[(int)kind].Add(timeProvider.GetUtcNow());

    /// <summary>Gets how many events of <paramref name="kind"/> were counted in the last 5 minutes.</summary>
    public long Last5Minutes(SecurityEventKind kind) => _rings[(int)kind].Sum(timeProvider.GetUtcNow());

    private static SecurityEventKind? Classify(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsConnect(request.Method) || IsAbsoluteForm(context.Features.Get<IHttpRequestFeature>()?.RawTarget))
        {
            return SecurityEventKind.OpenProxy;
        }

        int status = context.Response.StatusCode;
        bool admin = request.Path.StartsWithSegments(AdminPrefix, StringComparison.OrdinalIgnoreCase) || request.Path.StartsWithSegments(DashboardConstants.Path, StringComparison.OrdinalIgnoreCase);
        if (status == StatusCodes.Status401Unauthorized || (admin && status == StatusCodes.Status403Forbidden))
        {
            // Elsewhere a 403 is a budget's refusal, not a credential's.
            return admin ? SecurityEventKind.AdminAuth : SecurityEventKind.ClientAuth;
        }

        if (status == StatusCodes.Status404NotFound && context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: CatchAllPattern })
        {
            return SecurityEventKind.NoRoute;
        }

        return null;
    }

    private static bool IsAbsoluteForm(string? target) =>
        target is not null && (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || target.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    /// <summary>60 buckets of 5 seconds.</summary>
    private sealed class Ring
    {
        private const int Size = 60;
        private static readonly long BucketTicks = TimeSpan.FromSeconds(5).Ticks;

        private readonly long[] _periods = new long[Size];
        private readonly long[] _counts = new long[Size];
        private readonly Lock _gate = new();

        public void Add(DateTimeOffset now)
        {
            long period = now.UtcTicks / BucketTicks;
            int slot = (int)(period % Size);
            lock (_gate)
            {
                if (_periods[slot] != period)
                {
                    if (_periods[slot] > period)
                    {
                        return;
                    }

                    _periods[slot] = period;
                    _counts[slot] = 0;
                }

                _counts[slot]++;
            }
        }

        public long Sum(DateTimeOffset now)
        {
            long current = now.UtcTicks / BucketTicks;
            long sum = 0;
            lock (_gate)
            {
                for (int slot = 0; slot < Size; slot++)
                {
                    if (_periods[slot] <= current && _periods[slot] > current - Size)
                    {
                        sum += _counts[slot];
                    }
                }
            }

            return sum;
        }
    }
}
